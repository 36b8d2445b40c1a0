/// A behaviour that replaces a node's protocol logic, supplied by a test or experiment (a Sybil
/// that returns wrong contacts, a peer that drops queries, a flooder…).
///
/// The engine routes every event of an adversarial node here instead of to its core. The node's
/// honest core is passed in, so a strategy may delegate to it (the default implementations do)
/// and only alter what it needs. A strategy is a class so one instance can coordinate many
/// colluding nodes and the test can inspect its state afterwards.
public protocol SimAdversary<Node>: AnyObject {
    /// The core type of the simulation.
    associatedtype Node: SimNode

    /// The node comes online. Default: the core's behaviour.
    func handleStart(core: inout Node, context: inout SimContext<Node.Message>)
    /// A message arrives. Default: the core's behaviour.
    func handleMessage(_ message: Node.Message, from source: SimNodeID, core: inout Node,
                       context: inout SimContext<Node.Message>)
    /// A timer fires. Default: the core's behaviour.
    func handleTimer(_ token: UInt64, core: inout Node, context: inout SimContext<Node.Message>)
    /// The node leaves gracefully. Default: the core's behaviour.
    func handleStop(core: inout Node, context: inout SimContext<Node.Message>)
}

extension SimAdversary {
    /// Delegates to the honest core.
    public func handleStart(core: inout Node, context: inout SimContext<Node.Message>) {
        core.handleStart(context: &context)
    }
    /// Delegates to the honest core.
    public func handleMessage(_ message: Node.Message, from source: SimNodeID, core: inout Node,
                              context: inout SimContext<Node.Message>) {
        core.handleMessage(message, from: source, context: &context)
    }
    /// Delegates to the honest core.
    public func handleTimer(_ token: UInt64, core: inout Node, context: inout SimContext<Node.Message>) {
        core.handleTimer(token, context: &context)
    }
    /// Delegates to the honest core.
    public func handleStop(core: inout Node, context: inout SimContext<Node.Message>) {
        core.handleStop(context: &context)
    }
}
