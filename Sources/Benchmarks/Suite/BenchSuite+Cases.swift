extension BenchSuite {
  /// Every case, in the order it runs. The overload case runs before the memory-hungry ones so its
  /// peaks are not measured on top of a grown heap; the 1,000,000-step memory case runs last.
  static let cases: [Case] = [
    Case(id: "overhead", name: "critical-path overhead", measure: OverheadCase.measure),
    Case(id: "own-cost", name: "runtime's own cost per step", measure: OwnCostCase.measure),
    Case(
      id: "own-cost-data", name: "runtime's own cost per step with 1 KiB in and out",
      measure: DataCases.ownCost),
    Case(id: "isolation-noop", name: "isolation, no-op background", measure: IsolationCase.measureNoOp),
    Case(id: "isolation-cpu", name: "isolation, CPU-bound background", measure: IsolationCase.measureCPU),
    Case(id: "foreign-load", name: "foreign load", measure: ForeignLoadCase.measure),
    Case(id: "overload", name: "overload", measure: OverloadCase.measure),
    Case(id: "enqueue", name: "enqueue to start", measure: EnqueueToStartCase.measure),
    Case(id: "throughput", name: "background throughput", measure: ThroughputCase.measure),
    Case(id: "chat", name: "all-sync vs hybrid", measure: ChatCase.measure),
    Case(id: "sqlite", name: "sqlite store", measure: DurableCases.measure),
    Case(id: "postgres", name: "postgres store", measure: PostgresCases.measure),
    Case(id: "snapshot", name: "snapshot cost", measure: SnapshotCase.measure),
    Case(id: "render", name: "render cost", measure: RenderCase.measure),
    Case(
      id: "memory-payload", name: "memory per queued step with a 1 KiB payload", measure: DataCases.memory),
    Case(id: "memory", name: "memory per queued step", measure: MemoryCase.measure),
  ]
}
