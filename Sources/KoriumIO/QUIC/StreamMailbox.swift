import KoriumQUIC
import Synchronization

/// The caller's buffer a suspended ``QUICStream/read(into:)`` lends to the loop thread.
///
/// `@unchecked Sendable` proof: the pointer crosses from the reading task to the loop thread
/// once, through the stream's mailbox mutex. The reading task stays suspended on the
/// continuation stored next to the buffer until the loop thread resumes it, and the loop thread
/// drops the buffer (takes the waiter out of `DriverConnection.reads`) before it resumes that
/// continuation, on every path (data, end, failure, cancellation, connection or endpoint
/// closed). So only one thread touches the memory at a time, and none after the call returned.
struct LentBuffer: @unchecked Sendable {
    let bytes: UnsafeMutableRawBufferPointer
}

/// A `QUICStream.write` or `finish` waiting for the loop thread to pick it up.
struct PendingWrite: Sendable {
    var id: UInt64
    var bytes: [UInt8]
    var finish: Bool
    var continuation: UnsafeContinuation<Void, any Error>
}

/// A `QUICStream.read(into:)` waiting for the loop thread to pick it up.
struct PendingRead: Sendable {
    var id: UInt64
    var buffer: LentBuffer
    var continuation: UnsafeContinuation<Int?, any Error>
}

/// Where a stream's `write`, `finish` and `read(into:)` leave their request for the loop
/// thread, so that a call allocates nothing: the loop job that takes the requests is made once
/// per stream (``QUICStream``'s `serviceJob`), the continuation is an `UnsafeContinuation` (no
/// checking object), and cancellation is matched by call ID instead of a token object per call.
/// A general `QUICDriver.suspend` costs a token, a checked continuation and three closure
/// contexts per call: one allocation in every few packets of a bulk sender.
final class StreamMailbox: Sendable {
    struct Slots {
        var write: PendingWrite?
        var read: PendingRead?
    }

    /// At most one request per direction: a second concurrent call finds the slot taken.
    let slots = Mutex(Slots())
    /// The ID of the last write/finish call whose task was cancelled (0: none). A request whose
    /// ID matches when the loop thread picks it up is resumed with `CancellationError` at once.
    let cancelledWrite = Atomic<UInt64>(0)
    /// The same for `read(into:)`.
    let cancelledRead = Atomic<UInt64>(0)
    /// A read returned the end of the stream; later reads return nil without asking the connection.
    let readFinished = Atomic<Bool>(false)

    /// Leaves a write; false when another write of this stream has not been picked up yet.
    func post(_ write: PendingWrite) -> Bool {
        slots.withLock { s in
            guard s.write == nil else { return false }
            s.write = write
            return true
        }
    }

    /// Leaves a read; false when another read of this stream has not been picked up yet.
    func post(_ read: PendingRead) -> Bool {
        slots.withLock { s in
            guard s.read == nil else { return false }
            s.read = read
            return true
        }
    }

    /// Takes the posted write back if the loop thread has not (the submission failed).
    func withdrawWrite(_ id: UInt64) -> PendingWrite? {
        slots.withLock { s in
            guard let write = s.write, write.id == id else { return nil }
            s.write = nil
            return write
        }
    }

    /// Takes the posted read back if the loop thread has not (the submission failed).
    func withdrawRead(_ id: UInt64) -> PendingRead? {
        slots.withLock { s in
            guard let read = s.read, read.id == id else { return nil }
            s.read = nil
            return read
        }
    }

    /// The loop thread takes whatever is posted.
    func take() -> (write: PendingWrite?, read: PendingRead?) {
        slots.withLock { s in
            let taken = (s.write, s.read)
            s.write = nil
            s.read = nil
            return taken
        }
    }
}
