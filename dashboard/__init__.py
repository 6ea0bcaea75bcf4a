"""The Collective Mapper dashboard: a Dash app over the store and the analytics."""
