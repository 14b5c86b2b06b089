import ExecutionCore
import Foundation

/// A command waiting to be sent to the server, and how it maps onto the HTTP API.
enum RemoteCommand: Sendable, Hashable {
  case trigger(workflow: String, count: Int)
  case setRate(workflow: String, rate: Double)
  case pause(workflow: String)
  case resume(workflow: String)
  case pauseQueue(String)
  case resumeQueue(String)
  case setMode(ExecutionMode)
  case setWorkflowMode(ExecutionMode?, workflow: String, comparison: Bool)
  case redrive(queue: String)
  /// `local` is the id handed to the caller at once; the server's own id is learned on the answer.
  case startRecording(workflow: String, local: RecordingID)
  case finishRecording(local: RecordingID)

  /// What people call it in a message: `pause chat`, `burst of 10 chat`.
  var action: String {
    switch self {
    case .trigger(let workflow, let count):
      return count == 1 ? "trigger \(workflow)" : "burst of \(count) \(workflow)"
    case .setRate(let workflow, let rate): return "rate of \(workflow) to \(NumberText.rate(rate))"
    case .pause(let workflow): return "pause \(workflow)"
    case .resume(let workflow): return "resume \(workflow)"
    case .pauseQueue(let queue): return "pause queue \(queue)"
    case .resumeQueue(let queue): return "resume queue \(queue)"
    case .setMode(let mode): return "mode \(mode.rawValue)"
    case .setWorkflowMode(let mode, let workflow, _):
      return "mode of \(workflow) to \(mode?.rawValue ?? "the runtime's")"
    case .redrive(let queue): return "redrive \(queue)"
    case .startRecording(let workflow, _): return "recording of \(workflow)"
    case .finishRecording: return "end of a recording"
    }
  }

  /// The method, path and JSON body (nil: none) of the request; `serverRecording` is the server's
  /// id for a recording this client numbered `local` (nil: unknown).
  func request(serverRecording: UInt64?) -> (method: String, path: String, body: [String: Any]?)? {
    func workflowPath(_ name: String, _ tail: String) -> String {
      "/v1/workflows/\(Self.segment(name))/\(tail)"
    }
    func queuePath(_ name: String, _ tail: String) -> String { "/v1/queues/\(Self.segment(name))/\(tail)" }
    switch self {
    case .trigger(let workflow, let count):
      return ("POST", workflowPath(workflow, "trigger"), ["count": count])
    case .setRate(let workflow, let rate): return ("POST", workflowPath(workflow, "rate"), ["rate": rate])
    case .pause(let workflow): return ("POST", workflowPath(workflow, "pause"), nil)
    case .resume(let workflow): return ("POST", workflowPath(workflow, "resume"), nil)
    case .pauseQueue(let queue): return ("POST", queuePath(queue, "pause"), nil)
    case .resumeQueue(let queue): return ("POST", queuePath(queue, "resume"), nil)
    case .setMode(let mode): return ("POST", "/v1/mode", ["mode": mode.rawValue])
    case .setWorkflowMode(let mode, let workflow, let comparison):
      return (
        "POST", workflowPath(workflow, "mode"),
        ["mode": mode?.rawValue ?? NSNull(), "comparison": comparison]
      )
    case .redrive(let queue): return ("POST", queuePath(queue, "redrive"), nil)
    case .startRecording(let workflow, _): return ("POST", workflowPath(workflow, "recordings"), nil)
    case .finishRecording:
      guard let serverRecording else { return nil }
      return ("DELETE", "/v1/recordings/\(serverRecording)", nil)
    }
  }

  /// A name as one path segment: percent-encoded, `/` included.
  static func segment(_ name: String) -> String {
    var allowed = CharacterSet.urlPathAllowed
    allowed.remove(charactersIn: "/?#%")
    return name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name
  }
}
