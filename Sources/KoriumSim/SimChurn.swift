/// A churn process: online nodes depart after exponentially distributed session times and
/// (optionally) come back after exponentially distributed downtimes.
///
/// With `departuresPerHour` = r, each online node departs at rate r per hour (mean session
/// 1/r hours), so about r × (online nodes) depart per hour — "10 %/hour churn" is r = 0.10.
/// A departure is a crash (no `handleStop`, nothing sent) with probability `crashFraction`,
/// otherwise graceful. In steady state the online fraction is session / (session + downtime).
public struct SimChurn: Sendable, Equatable {
    /// Departure rate per online node per hour (0.10 = 10 %/hour).
    public var departuresPerHour: Double
    /// Mean time a departed node stays away before rejoining.
    public var meanDowntime: SimDuration
    /// Share of departures that are crashes rather than graceful leaves (0…1).
    public var crashFraction: Double
    /// Whether departed nodes come back.
    public var rejoin: Bool

    /// A churn process.
    public init(departuresPerHour: Double, meanDowntime: SimDuration = .minutes(10), crashFraction: Double = 0.5,
                rejoin: Bool = true) {
        self.departuresPerHour = departuresPerHour
        self.meanDowntime = meanDowntime
        self.crashFraction = crashFraction
        self.rejoin = rejoin
    }

    /// The mean session length, in nanoseconds (infinite when the rate is 0).
    var meanSessionNanoseconds: Double {
        departuresPerHour > 0 ? 3_600e9 / departuresPerHour : .infinity
    }
}

/// An action scheduled at a virtual time with `Simulation.schedule(at:_:)`.
public enum SimScriptAction: Sendable, Equatable {
    /// Bring these nodes online (`handleStart`; a fresh core if the simulation has a factory).
    case join([SimNodeID])
    /// These nodes leave gracefully (`handleStop`, their goodbye messages are delivered).
    case leave([SimNodeID])
    /// These nodes crash (no callback; their timers die, messages to them are dropped).
    case crash([SimNodeID])
    /// Split the network: nodes in different groups cannot reach each other; nodes not listed
    /// form one more group together.
    case partition([[SimNodeID]])
    /// Remove every partition.
    case heal
    /// Replace the default link profile for all links.
    case setLink(SimLinkProfile)
    /// Start a churn process on every node (or on those listed).
    case startChurn(SimChurn, nodes: [SimNodeID]?)
    /// Stop scheduling departures (pending rejoins still happen).
    case stopChurn
}

/// What the interceptor decides for a message in flight.
public enum SimVerdict: Sendable, Equatable {
    /// Let the (possibly modified) message continue through the link model.
    case pass
    /// Drop it (counted in `SimStats.droppedIntercepted`).
    case drop
}

/// What ended a `run`.
public enum SimRunOutcome: Sendable, Equatable {
    /// Every event up to the deadline was processed; the clock stands at the deadline.
    case reachedDeadline
    /// The queue ran empty before the deadline (nothing more can ever happen by itself).
    case quiescent
    /// The event budget ran out first.
    case eventLimit
}
