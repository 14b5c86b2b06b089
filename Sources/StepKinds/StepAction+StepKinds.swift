import ExecutionCore

extension StepAction {
  /// A step that runs a process (see `ProcessStep.run`).
  public static func exec(_ spec: ExecSpec) -> StepAction {
    .closure { context in try await ProcessStep.run(spec, context: context) }
  }

  /// A step that calls an HTTP endpoint (see `HTTPStep.run`).
  public static func http(_ spec: HTTPSpec) -> StepAction {
    .closure { context in try await HTTPStep.run(spec, context: context) }
  }
}
