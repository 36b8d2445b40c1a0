import Glibc
import KoriumSim

/// I/O shared by every `korium sim …` command: a throttled progress bar on stderr, wall-clock
/// timing, resident-memory readings and CSV files. The rendering itself (`SimProgressBar`,
/// `SimSummaryTable`, `SimCSV`) lives in KoriumSim, which has no I/O.
enum SimOutput {
    /// Seconds on the monotonic clock (for wall-time and events/second; never fed to a core).
    static func wallSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// CPU seconds (user + system) this process has used: robust to other load on the machine.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return user + system
    }

    /// Resident set size of this process in bytes, from `/proc/self/statm` (field 2 × page size);
    /// nil where that file does not exist.
    static func residentBytes() -> Int? {
        let fd = open("/proc/self/statm", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return nil }
        let fields = String(decoding: buffer[0..<n], as: UTF8.self).split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Writes `text` to standard error (unbuffered).
    static func writeStderr(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress! + offset, $0.count - offset) }
            if written <= 0 { return }
            offset += written
        }
        bytes.removeAll()
    }

    /// Writes `text` to the file at `path` (created or truncated); throws with the errno text.
    static func writeFile(_ path: String, _ text: String) throws(SimOutputError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw .cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            guard written > 0 else { throw .cannotWrite(path: path, reason: String(cString: strerror(errno))) }
            offset += written
        }
    }
}

/// A CSV or report file could not be written.
enum SimOutputError: Error, CustomStringConvertible {
    case cannotWrite(path: String, reason: String)
    var description: String {
        switch self {
        case .cannotWrite(let path, let reason): return "cannot write \(path): \(reason)"
        }
    }
}

/// A progress bar on stderr, redrawn at most 10 times a wall-clock second, with the simulated
/// time and events/second; `finish()` ends the line. Disabled by `--quiet`.
final class SimProgressReporter {
    private let enabled: Bool
    private let label: String
    private let bar = SimProgressBar(width: 30)
    private let started = SimOutput.wallSeconds()
    private var lastDraw = 0.0

    init(label: String, enabled: Bool) {
        self.label = label
        self.enabled = enabled
    }

    /// Redraws if due: `fraction` of the run done at virtual time `now` after `events` events.
    func update(fraction: Double, now: SimInstant, events: Int, force: Bool = false) {
        guard enabled else { return }
        let t = SimOutput.wallSeconds()
        guard force || t - lastDraw >= 0.1 else { return }
        lastDraw = t
        let elapsed = max(t - started, 1e-9)
        let rate = SimFormat.grouped(Int(Double(events) / elapsed))
        SimOutput.writeStderr("\r" + bar.render(fraction: fraction, detail: "\(label)  \(now)  \(rate) ev/s") + "\u{1B}[K")
    }

    /// Draws the bar at 100 % and ends the line.
    func finish(now: SimInstant, events: Int) {
        guard enabled else { return }
        update(fraction: 1, now: now, events: events, force: true)
        SimOutput.writeStderr("\n")
    }
}
