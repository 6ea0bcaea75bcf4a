package org.collectivemapper.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilder;
import org.neo4j.harness.Neo4jBuilders;
import org.neo4j.io.ByteUnit;

/**
 * Starts a throw-away in-process Neo4j with Bolt on 127.0.0.1:PORT and no auth.
 *
 * <p>Usage: {@code Main --port N [--dir PATH] [--pagecache SIZE]}. Prints exactly one line
 * {@code READY bolt://127.0.0.1:N} to stdout once Bolt accepts connections, then runs until
 * stdin reaches EOF or the process gets SIGTERM, closes the server (which deletes its store
 * folder) and exits 0.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        // stdout is a protocol channel for the parent: everything the server might print
        // goes to stderr, and only the READY line is written to the real stdout.
        PrintStream protocol = System.out;
        System.setOut(System.err);

        Integer port = null;
        Path dir = null;
        String pagecache = "256m";
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--port" -> port = Integer.parseInt(args[++i]);
                    case "--dir" -> dir = Path.of(args[++i]);
                    case "--pagecache" -> pagecache = args[++i];
                    default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
                }
            }
            if (port == null || port < 1 || port > 65535) {
                throw new IllegalArgumentException("--port N (1-65535) is required");
            }
        } catch (RuntimeException e) {
            System.err.println("usage: Main --port N [--dir PATH] [--pagecache SIZE]: " + e.getMessage());
            System.exit(2);
            return;
        }

        AtomicReference<Neo4j> server = new AtomicReference<>();
        AtomicBoolean closed = new AtomicBoolean();
        AtomicInteger exitStatus = new AtomicInteger(0);
        Runnable close = () -> {
            Neo4j neo4j = server.get();
            if (neo4j != null && closed.compareAndSet(false, true)) {
                neo4j.close();
                System.err.println("neo4j-harness: stopped");
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                close.run();
            } catch (Throwable t) {
                t.printStackTrace();
            }
            // SIGTERM is the normal way to stop us, so report it as a clean exit, not 143.
            Runtime.getRuntime().halt(exitStatus.get());
        }, "neo4j-harness-shutdown"));

        try {
            if (dir != null) {
                Files.createDirectories(dir);
            }
            Neo4jBuilder builder = dir == null
                    ? Neo4jBuilders.newInProcessBuilder()
                    : Neo4jBuilders.newInProcessBuilder(dir);
            builder.withDisabledServer()
                    .withConfig(BoltConnector.enabled, true)
                    .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                    .withConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                    .withConfig(HttpConnector.enabled, false)
                    .withConfig(HttpsConnector.enabled, false)
                    .withConfig(GraphDatabaseSettings.auth_enabled, false)
                    .withConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.parse(pagecache))
                    // Bolt's Netty loops otherwise idle through a quiet period on shutdown, which
                    // added about 10 s to every stop; a test server has no clients left to drain.
                    .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                    .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(5));
            server.set(builder.build());
        } catch (Throwable t) {
            System.err.println("neo4j-harness: failed to start");
            t.printStackTrace();
            exitStatus.set(1);
            System.exit(1);
            return;
        }

        protocol.println("READY bolt://127.0.0.1:" + port);
        protocol.flush();

        try {
            InputStream in = System.in;
            byte[] buffer = new byte[256];
            while (in.read(buffer) != -1) {
                // Input is ignored; only EOF (the parent closing our stdin) matters.
            }
        } catch (IOException e) {
            System.err.println("neo4j-harness: stdin closed: " + e.getMessage());
        }
        System.exit(0);
    }
}
