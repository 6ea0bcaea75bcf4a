"""Component ids, in one place so layouts, callbacks and tests agree."""

# Frame
CAMPAIGN = "campaign-store"
CAMPAIGN_SELECT = "campaign-select"
CAMPAIGN_WRAP = "campaign-select-wrap"
NAVIGATE = "navigate"
REFRESH = "refresh-interval"

# 1 Overview
OVERVIEW_CARDS = "overview-cards"
OVERVIEW_TIMELINE = "overview-timeline"
OVERVIEW_ASSESSMENT = "overview-assessment"
OVERVIEW_COMMITMENTS = "overview-commitments"
OVERVIEW_STRUCTURE = "overview-structure"
OVERVIEW_TARGET = "overview-target"

# 2 Anger clusters
CLUSTER_NETWORK = "cluster-network"
CLUSTER_HEATMAP = "cluster-heatmap"
CLUSTER_TABLE = "cluster-table"
CLUSTER_BRIDGES = "cluster-bridges"
CLUSTER_ISSUE_PEOPLE = "cluster-issue-people"
CLUSTER_MIN_ANGER = "cluster-min-anger"
CLUSTER_AGE = "cluster-age"  # how old the clusters answer is (mapper.analytics.stored)

# 3 Power map
POWER_NETWORK = "power-network"
POWER_ISSUE = "power-issue"
POWER_RANKING = "power-ranking"
POWER_PATHS = "power-paths"
POWER_DM_DETAIL = "power-dm-detail"
POWER_AGE = "power-age"

# 4 Ready to ask, 5 Talk to next
READY_GRID = "ready-grid"
READY_FILTER_ORGANIZER = "ready-filter-organizer"
READY_FILTER_UNIT = "ready-filter-unit"
READY_FILTER_ISSUE = "ready-filter-issue"
READY_COUNT = "ready-count"
NEXT_GRID = "next-grid"
NEXT_FILTER_ORGANIZER = "next-filter-organizer"
NEXT_FILTER_UNIT = "next-filter-unit"
NEXT_FILTER_ISSUE = "next-filter-issue"
NEXT_COUNT = "next-count"
NEXT_LEADERS = "next-leaders"
NEXT_AGE = "next-age"

# 6 Follow-ups
FOLLOW_ORGANIZER = "follow-organizer"
FOLLOW_CHART = "follow-chart"
FOLLOW_TABLE = "follow-table"
FOLLOW_AS_OF = "follow-as-of"

# 7 Person
PERSON_KEY = "person-key"
PERSON_SEARCH = "person-search"
PERSON_SEARCH_RESULTS = "person-search-results"
PERSON_BODY = "person-body"
PERSON_TIES = "person-ties"

# 8 Record a 1-on-1 (pattern-matching ids: every input is {"type": FIELD, "field": path})
FORM_FIELD = "form-field"
FORM_ERROR = "form-error"
FORM_ISSUES = "form-issues"
FORM_NAMED = "form-named"
FORM_REFERRALS = "form-referrals"
FORM_ADD_ISSUE = "form-add-issue"
FORM_ADD_NAMED = "form-add-named"
FORM_ADD_REFERRAL = "form-add-referral"
FORM_SAVE = "form-save"
FORM_STATUS = "form-status"
FORM_CAMPAIGN = "form-campaign"

# W2 · Person page actions and the Record page's prefill / correction
PERSON_ACTION_STATUS = "person-action-status"
PERSON_ACTION = "person-action"  # pattern {"type": PERSON_ACTION, "action": attempt|assign|take|give_back}
PERSON_ACTION_INPUT = "person-action-input"  # pattern {"type": ..., "name": outcome|date|organizer}
PERSON_SUMMARY = "person-summary"
PERSON_ACTIONS = "person-actions"
PERSON_HISTORY = "person-history"
PERSON_RECORD_NEXT = "person-record-next"
FORM_EDITING = "form-editing"
# The stored version (hash) of the 1-on-1 being corrected, as the form opened it.
FORM_EDITING_SEEN = "form-editing-seen"
FORM_PREFILL_CAMPAIGN = "form-prefill-campaign"
# W3: lists out (downloads, call sheet) and bulk assign on Ready to ask / Talk to next
EXPORT_QUERY = "export-query"  # pattern-matching: {"type": EXPORT_QUERY, "list": list name}
EXPORT_LINKS = "export-links"  # pattern-matching: {"type": EXPORT_LINKS, "list": list name}
READY_ASSIGN_TO = "ready-assign-to"
READY_ASSIGN_SELECTED = "ready-assign-selected"
READY_ASSIGN_TOP = "ready-assign-top"
READY_ASSIGN_N = "ready-assign-n"
READY_ASSIGN_STATUS = "ready-assign-status"
NEXT_ASSIGN_TO = "next-assign-to"
NEXT_ASSIGN_SELECTED = "next-assign-selected"
NEXT_ASSIGN_TOP = "next-assign-top"
NEXT_ASSIGN_N = "next-assign-n"
NEXT_ASSIGN_STATUS = "next-assign-status"
# W1: actions on list rows, My list
FOLLOW_ACTION = "follow-action"  # pattern-matching: {"type", "do", "person", "item", "value"}
FOLLOW_STATUS = "follow-status"
FOLLOW_CHANGED = "follow-changed"
FOLLOW_DOWNLOADS = "follow-downloads"
MY_ORGANIZER = "my-organizer"
MY_AS_OF = "my-as-of"
MY_COUNTS = "my-counts"
MY_CONTACTS = "my-contacts"
MY_ACTION = "my-action"  # pattern-matching, as FOLLOW_ACTION
MY_STATUS = "my-status"
MY_CHANGED = "my-changed"
# Issue 12 · the 1-on-1 form as steps: step navigation, drafts, suggestions
FORM_BACK = "form-back"
FORM_NEXT = "form-next"
FORM_PROGRESS = "form-progress"
FORM_DRAFT_SAVE = "form-draft-save"
FORM_DRAFT_ID = "form-draft-id"
FORM_DRAFT_STATUS = "form-draft-status"
FORM_DRAFTS = "form-drafts"
FORM_DRAFT_DELETE = "form-draft-delete"  # pattern-matching: {"type": ..., "draft": draft id}
FORM_DEVICE_NOTE = "form-device-note"
FORM_REALIZE_NOTE = "form-realize-note"
FORM_LIST_ISSUES = "form-list-issues"
FORM_LIST_DECISION_MAKERS = "form-list-decision-makers"
FORM_LIST_UNITS = "form-list-units"
FORM_LIST_ORGANIZERS = "form-list-organizers"
FORM_LIST_CAMPAIGNS = "form-list-campaigns"

# Lists shown a page at a time (issue 12): cards on a phone, a grid that grows on a desktop
READY_SORT = "ready-sort"
READY_CARDS = "ready-cards"
READY_PREV = "ready-prev"
READY_NEXT = "ready-next"
READY_PAGER = "ready-pager"
READY_START = "ready-start"
READY_CHANGED = "ready-changed"
NEXT_SORT = "next-sort"
NEXT_CARDS = "next-cards"
NEXT_PREV = "next-prev"
NEXT_NEXT = "next-next"
NEXT_PAGER = "next-pager"
NEXT_START = "next-start"
NEXT_CHANGED = "next-changed"
CARD_ASSIGN = "card-assign"  # pattern-matching: {"type": CARD_ASSIGN, "list": ..., "person": ...}
FOLLOW_MORE = "follow-more"
FOLLOW_LIMIT = "follow-limit"
MY_MORE = "my-more"
MY_LIMIT = "my-limit"
POWER_FITTED = "power-fitted"  # a store the power map's client-side fit writes (when it ran)
OVERVIEW_NARROW = "overview-narrow"  # a store: whether the screen is a phone's (charts' toolbar)
CLUSTER_FITTED = "cluster-fitted"  # as POWER_FITTED, for the cluster network

# -- admin page (users, audit trail) --------------------------------------------------------
ADMIN_USERS = "admin-users"
ADMIN_USERNAME = "admin-username"
ADMIN_ROLE = "admin-role"
ADMIN_ORGANIZER = "admin-organizer"
ADMIN_PASSWORD = "admin-password"
ADMIN_CAMPAIGNS = "admin-campaigns"
ADMIN_ACTION = "admin-action"
ADMIN_MESSAGE = "admin-message"
ADMIN_AUDIT = "admin-audit"
ADMIN_AUDIT_USER = "admin-audit-user"
ADMIN_FORGET_PERSON = "admin-forget-person"
ADMIN_FORGET_CONFIRM = "admin-forget-confirm"
ADMIN_FORGET = "admin-forget"
ADMIN_FORGET_MESSAGE = "admin-forget-message"
ADMIN_TOKEN_USER = "admin-token-user"
ADMIN_TOKEN_LABEL = "admin-token-label"
ADMIN_TOKEN_SCOPE = "admin-token-scope"
ADMIN_TOKEN_ID = "admin-token-id"
ADMIN_TOKEN_CREATE = "admin-token-create"
ADMIN_TOKEN_REVOKE = "admin-token-revoke"
ADMIN_TOKEN_MESSAGE = "admin-token-message"
ADMIN_TOKENS = "admin-tokens"

# -- upload page (bring lists in) -----------------------------------------------------------
UPLOAD = "upload-file"
UPLOAD_MESSAGE = "upload-message"
UPLOAD_FILE = "upload-file-store"  # a store: the file's name and headers (never its cells)
UPLOAD_MAPPING = "upload-mapping"
UPLOAD_FIELD = "upload-field"  # pattern-matching: {"type": UPLOAD_FIELD, "index": column number}
UPLOAD_PREVIEW = "upload-preview"
UPLOAD_DRY_RUN = "upload-dry-run"
UPLOAD_IMPORT = "upload-import"
UPLOAD_RESULT = "upload-result"
UPLOAD_JOB = "upload-job"
UPLOAD_POLL = "upload-poll"
UPLOAD_PROGRESS = "upload-progress"
UPLOAD_SAVE_MAPPING = "upload-save-mapping"
UPLOAD_MAPPING_YAML = "upload-mapping-yaml"
