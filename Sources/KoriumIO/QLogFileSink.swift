import Glibc
import KoriumQUIC
import Synchronization

/// A `QLogSink` writing one JSON-SEQ qlog file (`.sqlog`): the header record at creation, then
/// every event as it is recorded. Records collect in a buffer written out once it holds
/// `flushThreshold` bytes, on `flush()`, and on `close()`/deinit, so logging costs one `write`
/// per ~64 KiB rather than per packet.
///
/// Sendable: the buffer and descriptor are behind a mutex, so connections on any thread may
/// share one sink (their records then interleave whole).
public final class QLogFileSink: QLogSink {
    /// Bytes buffered before a write.
    public static let flushThreshold = 64 * 1_024
    /// Most bytes buffered while writes fail (disk full): beyond it records are dropped and counted.
    public static let maxBufferedBytes = 4 << 20

    struct State {
        var fd: Int32
        var buffer: [UInt8]
        var droppedRecords = 0
        var writeError: Int32 = 0
    }

    private let state: Mutex<State>
    /// The file's path.
    public let path: String

    /// Creates (truncates) the file at `path` and writes the header record for `trace`.
    public init(path: String, trace: QLogTraceInfo) throws(IOError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw IOError.fromErrno(errno, .open) }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(Self.flushThreshold + 4_096)
        QLogSerializer.appendHeader(trace, to: &buffer)
        self.path = path
        state = Mutex(State(fd: fd, buffer: buffer))
    }

    /// Creates `DIRECTORY/<group id hex>_<client|server>.sqlog` (the naming qlog tools expect
    /// for `--qlog DIR`; `connection` when the trace has no group id) for `trace`.
    public convenience init(directory: String, trace: QLogTraceInfo) throws(IOError) {
        var name = ""
        if let group = trace.groupID {
            name = group.withUnsafeBytes { bytes in
                var hex = ""
                for b in bytes { hex += (b < 16 ? "0" : "") + String(b, radix: 16) }
                return hex
            }
        }
        if name.isEmpty { name = "connection" }
        let role = trace.vantagePoint == .client ? "client" : "server"
        try self.init(path: directory + (directory.hasSuffix("/") ? "" : "/") + name + "_" + role + ".sqlog", trace: trace)
    }

    deinit { close() }

    /// Appends `event` (written out at the next flush).
    public func record(_ event: QLogEvent, at time: Instant) {
        state.withLock { s in
            guard s.fd >= 0 else { return }
            guard s.buffer.count < Self.maxBufferedBytes else {
                s.droppedRecords += 1
                return
            }
            QLogSerializer.appendEvent(event, at: time, to: &s.buffer)
            if s.buffer.count >= Self.flushThreshold { Self.writeOut(&s) }
        }
    }

    /// Writes the buffered records to the file.
    public func flush() {
        state.withLock { s in Self.writeOut(&s) }
    }

    /// Flushes and closes the file; later records are ignored. Idempotent.
    public func close() {
        state.withLock { s in
            guard s.fd >= 0 else { return }
            Self.writeOut(&s)
            Glibc.close(s.fd)
            s.fd = -1
        }
    }

    /// Records dropped because the buffer was full while writes failed.
    public var droppedRecords: Int { state.withLock { $0.droppedRecords } }
    /// The errno of the last failed write (0 if none).
    public var lastWriteError: Int32 { state.withLock { $0.writeError } }

    private static func writeOut(_ s: inout State) {
        guard s.fd >= 0, !s.buffer.isEmpty else { return }
        var written = 0
        let total = s.buffer.count
        s.buffer.withUnsafeBytes { raw in
            while written < total {
                let n = write(s.fd, raw.baseAddress! + written, total - written)
                if n > 0 {
                    written += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    s.writeError = n < 0 ? errno : EIO
                    break
                }
            }
        }
        s.buffer.removeFirst(written)
    }
}
