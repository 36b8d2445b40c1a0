import Glibc
import Synchronization

/// A file that TLS secrets are appended to in the NSS key log format (SSLKEYLOGFILE), for
/// decrypting captures with Wireshark. Opened with `O_APPEND` so several processes can share one
/// file; each line is written with one `write` under a lock so lines never interleave.
///
/// Only enable it for debugging: anyone who can read the file can decrypt the traffic. The file
/// is created with mode 0600.
public final class KeyLogFile: Sendable {
    /// The environment variable naming the file (the convention of NSS, OpenSSL, curl, browsers).
    public static let environmentVariable = "SSLKEYLOGFILE"

    /// The path the file was opened at.
    public let path: String
    /// The descriptor; guarded by the mutex for writes and closing (-1 once closed).
    private let descriptor: Mutex<Int32>

    /// Opens (creating if needed) `path` for appending. Throws the `errno` of `open`.
    public init(path: String) throws(KeyLogFileError) {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw KeyLogFileError(path: path, errno: errno) }
        self.path = path
        descriptor = Mutex(fd)
    }

    /// The file named by `SSLKEYLOGFILE`, or nil when the variable is unset or empty. An unset
    /// variable is the normal case; a set one that cannot be opened is an error the caller
    /// should report rather than silently log nothing.
    public static func fromEnvironment() throws(KeyLogFileError) -> KeyLogFile? {
        guard let value = getenv(environmentVariable) else { return nil }
        let path = String(cString: value)
        guard !path.isEmpty else { return nil }
        return try KeyLogFile(path: path)
    }

    deinit { close() }

    /// Appends `line` and a newline. Write errors are ignored: key logging is a debugging aid
    /// and must never break the handshake it observes.
    public func append(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(0x0a)
        descriptor.withLock { fd in
            guard fd >= 0 else { return }
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeBytes { raw in write(fd, raw.baseAddress! + offset, raw.count - offset) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return }
                offset += n
            }
        }
    }

    /// A sink for ``TLSConfiguration/keyLog`` that appends to this file (it keeps the file open).
    public var sink: KeyLogSink { { [self] line in self.append(line) } }

    /// Closes the file; later lines are dropped. Idempotent.
    public func close() {
        descriptor.withLock { fd in
            if fd >= 0 { _ = Glibc.close(fd) }
            fd = -1
        }
    }
}

/// A key log file could not be opened.
public struct KeyLogFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The path given.
    public let path: String
    /// The `errno` of `open`.
    public let errno: Int32

    /// "cannot open PATH for key logging: REASON".
    public var description: String { "cannot open \(path) for key logging: \(String(cString: strerror(errno)))" }
}
