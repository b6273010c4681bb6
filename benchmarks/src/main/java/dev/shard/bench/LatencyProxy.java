package dev.shard.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP forwarder that holds every chunk of bytes for a fixed time in each direction: the database server as if it
 * were on another host. This machine's kernel has no {@code netem}, so the delay is added here.
 *
 * <p>Each connection gets a reader and a writer thread per direction; a chunk read at time t is written at
 * t + delay, chunks in order. Bandwidth is not limited: only latency is modelled, which is what separates a
 * database on the same host from one a network hop away.
 */
final class LatencyProxy implements AutoCloseable {

    private record Chunk(long deliverAtNanos, byte[] bytes) {
    }

    private static final Chunk END = new Chunk(0, new byte[0]);

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final long delayNanos;
    private volatile boolean closed;

    LatencyProxy(String targetHostPort, long oneWayDelayMicros) throws IOException {
        String[] hostPort = targetHostPort.split(":");
        this.target = new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1]));
        this.delayNanos = oneWayDelayMicros * 1_000;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "latency-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** host:port to connect to instead of the target. */
    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(target.getAddress(), target.getPort());
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                pipe(client, upstream);
                pipe(upstream, client);
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("latency proxy: " + e);
                }
            }
        }
    }

    private void pipe(Socket from, Socket to) throws IOException {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    queue.add(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buffer, n)));
                }
            } catch (IOException ignored) {
                // The connection closed.
            }
            queue.add(END);
        }, "latency-proxy-read");
        Thread writer = new Thread(() -> {
            try {
                while (true) {
                    Chunk chunk = queue.take();
                    if (chunk == END) {
                        break;
                    }
                    long wait;
                    while ((wait = chunk.deliverAtNanos() - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    out.write(chunk.bytes());
                    out.flush();
                }
            } catch (IOException | InterruptedException ignored) {
                // The connection closed.
            }
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // Already closed.
            }
        }, "latency-proxy-write");
        reader.setDaemon(true);
        writer.setDaemon(true);
        reader.start();
        writer.start();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
    }
}
