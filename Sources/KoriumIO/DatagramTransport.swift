/// Something that sends and receives batches of UDP datagrams and can be polled for readiness:
/// the seam between the QUIC driver and the network. `UDPSocket` is the plain implementation;
/// SmartSock implements it over path selection and relays.
///
/// Calls are per batch, never per datagram, so a generic caller pays no dynamic dispatch or
/// boxing per datagram.
public protocol DatagramTransport: AnyObject, Sendable {
    /// The local address datagrams are sent from.
    var localAddress: SocketAddress { get }
    /// A descriptor that is readable when `receive` may return datagrams and writable when a
    /// `send` that returned `wouldBlock` may progress (register it with an `EventLoop`).
    var pollDescriptor: Int32 { get }
    /// Sends queued datagrams from the front of `batch`, removing those sent or refused, until
    /// the batch is empty or the socket would block. Never blocks.
    func send(_ batch: SendBatch) throws(IOError) -> SendResult
    /// Fills `batch` with the datagrams already waiting (up to its capacity) and returns how
    /// many it holds; 0 when none wait. Never blocks.
    func receive(into batch: ReceiveBatch) throws(IOError) -> Int
}
