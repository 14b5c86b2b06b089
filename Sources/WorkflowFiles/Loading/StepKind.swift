import ExecutionCore
import StepKinds

/// What a step in a workflow file does, as written. Kept next to the built workflow because the
/// `StepAction` of an `exec` or `http` step is a closure, which cannot be inspected.
public enum StepKind: Sendable, Hashable {
  /// `simulate:`: simulated latency and failures.
  case simulate(SimulateSpec)
  /// `exec:`: run a process.
  case exec(ExecSpec)
  /// `http:`: call an HTTP endpoint.
  case http(HTTPSpec)

  /// The key the kind is written under: `simulate`, `exec` or `http`.
  public var key: String {
    switch self {
    case .simulate: return "simulate"
    case .exec: return "exec"
    case .http: return "http"
    }
  }

  /// The action the runtime runs, for a step of workflow `workflow` (what an exec step's
  /// `LANES_WORKFLOW` says) with output limit `outputLimit` (exec and http stop reading past it).
  public func action(workflow: String = "", outputLimit: Int = StepDefinition.defaultOutputLimit)
    -> StepAction
  {
    switch self {
    case .simulate(let spec): return .simulate(spec)
    case .exec(let spec): return .exec(spec, workflow: workflow, outputLimit: outputLimit)
    case .http(let spec): return .http(spec, outputLimit: outputLimit)
    }
  }
}
