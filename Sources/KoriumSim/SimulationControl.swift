/// Joins, departures, churn and scripted actions.
extension Simulation {
    /// Brings `id` online now: a fresh core from `rejoinFactory` if set, then `handleStart`.
    /// Nothing happens if it is already online.
    public func join(_ id: SimNodeID) {
        let i = id.index
        guard flags[i] & Self.onlineFlag == 0 else { return }
        if let factory = rejoinFactory { nodes[i] = factory(id) }
        flags[i] |= Self.onlineFlag
        onlineSinceTime[i] = clock
        onlineTotal += 1
        incarnation[i] &+= 1
        start(i)
    }

    /// `id` leaves gracefully now: `handleStop` runs and what it sends is delivered, then its
    /// timers are discarded and arriving messages dropped.
    public func leave(_ id: SimNodeID) {
        let i = id.index
        guard flags[i] & Self.onlineFlag != 0 else { return }
        prepareContext(i)
        if flags[i] & Self.adversaryFlag != 0, let adversary = adversaries[id.rawValue] {
            adversary.handleStop(core: &nodes[i], context: &context)
        } else {
            nodes[i].handleStop(context: &context)
        }
        // Timers set while stopping die with the node.
        context.timers.removeAll(keepingCapacity: true)
        finishContext(i)
        goOffline(i)
        _stats.leaves += 1
    }

    /// `id` crashes now: no callback, nothing sent; timers discarded, arriving messages dropped.
    public func crash(_ id: SimNodeID) {
        let i = id.index
        guard flags[i] & Self.onlineFlag != 0 else { return }
        goOffline(i)
        _stats.crashes += 1
    }

    /// Starts a churn process on every node, or on `ids` only. Started participants get a
    /// departure drawn now; the others get one when they start or join.
    public func startChurn(_ process: SimChurn, nodes ids: [SimNodeID]? = nil) {
        churn = process
        let members = ids ?? (0..<nodes.count).map { SimNodeID(index: $0) }
        for id in members {
            flags[id.index] |= Self.churnFlag
            if flags[id.index] & Self.startedFlag != 0 { scheduleDeparture(id.index) }
        }
    }

    /// Stops scheduling departures; nodes already away still come back if the process said so.
    public func stopChurn() {
        churn = nil
    }

    func goOffline(_ i: Int) {
        flags[i] &= ~(Self.onlineFlag | Self.startedFlag)
        onlineSinceTime[i] = -1
        onlineTotal -= 1
        incarnation[i] &+= 1
        if !uplinkFree.isEmpty { uplinkFree[i] = 0 }
    }

    func start(_ i: Int) {
        // Marks the node started before its core runs, so a later `startChurn` draws its
        // departure and a stale `.start` event for this incarnation is ignored.
        flags[i] |= Self.startedFlag
        _stats.joins += 1
        prepareContext(i)
        if flags[i] & Self.adversaryFlag != 0, let adversary = adversaries[UInt32(i)] {
            adversary.handleStart(core: &nodes[i], context: &context)
        } else {
            nodes[i].handleStart(context: &context)
        }
        finishContext(i)
        if churn != nil && flags[i] & Self.churnFlag != 0 { scheduleDeparture(i) }
    }

    func scheduleDeparture(_ i: Int) {
        guard let process = churn, process.departuresPerHour > 0 else { return }
        let delay = churnRandom.exponential(mean: process.meanSessionNanoseconds)
        let at = clock &+ Int64(min(delay, 9e18 - Double(clock)))
        queue.push(time: at, kind: .churnLeave, target: UInt32(i), aux: incarnation[i])
    }

    @usableFromInline
    func handleControl(_ e: SimEvent) {
        let i = Int(e.target)
        switch e.kind {
        case .start:
            // Stale if the node crashed, left or was joined by a script before its start time.
            guard incarnation[i] == e.aux, flags[i] & Self.startedFlag == 0 else { return }
            if flags[i] & Self.onlineFlag == 0 {
                flags[i] |= Self.onlineFlag
                onlineSinceTime[i] = clock
                onlineTotal += 1
            }
            start(i)
        case .churnLeave:
            // Stale if the node left, crashed or rejoined since, or churn was stopped.
            guard let process = churn, flags[i] & Self.onlineFlag != 0, incarnation[i] == e.aux else { return }
            if churnRandom.chance(process.crashFraction) {
                crash(SimNodeID(index: i))
            } else {
                leave(SimNodeID(index: i))
            }
            if process.rejoin {
                let delay = churnRandom.exponential(mean: Double(process.meanDowntime.nanoseconds))
                queue.push(time: clock &+ Int64(min(delay, 9e18 - Double(clock))), kind: .churnJoin,
                           target: UInt32(i), aux: incarnation[i])
            }
        case .churnJoin:
            guard flags[i] & Self.onlineFlag == 0, incarnation[i] == e.aux else { return }
            join(SimNodeID(index: i))
        case .script:
            let index = Int(e.payload)
            guard let script = scripts[index] else { return }
            scripts[index] = nil
            switch script {
            case .custom(let body): body(self)
            case .action(let action): apply(action)
            }
        case .deliver, .timer:
            preconditionFailure("Simulation: data event routed to handleControl")
        }
    }

    func apply(_ action: SimScriptAction) {
        switch action {
        case .join(let ids): for id in ids { join(id) }
        case .leave(let ids): for id in ids { leave(id) }
        case .crash(let ids): for id in ids { crash(id) }
        case .partition(let groups): partition(groups)
        case .heal: heal()
        case .setLink(let profile): link = profile
        case .startChurn(let process, let ids): startChurn(process, nodes: ids)
        case .stopChurn: stopChurn()
        }
    }
}
