import ExecutionCore
import Foundation
import Synchronization

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// A runtime in another process, watched and commanded over the Lanes HTTP API (`lanes serve`).
///
/// One background thread asks for `GET /v1/snapshot` and keeps the latest answer, which `snapshot()`
/// returns without waiting. It polls no faster than the snapshot is read: once per read, timed to
/// arrive just before it (a dashboard refreshing every 500 ms costs the server 2 snapshots a
/// second, not 4); every `pollInterval` (250 ms by default) when reads come faster; and at least
/// once a second, so the connection's age stays a true sign of a server gone. When a request
/// fails it retries with a growing pause (0.25 s doubling up to 2 s) until the server answers again,
/// and asks `GET /v1/info` again then (the server may have restarted with other settings). Commands
/// go out on a second thread, one at a time in the order they were made, so the caller never waits
/// for the network; what the server answers comes back through `takeAnswers()`.
///
/// Call `close()` when done: it stops both threads.
public final class RemoteRuntime: RemoteRuntimeControl, Sendable {
  /// The server.
  public let endpoint: RemoteEndpoint
  /// The time between two requests for a snapshot when it is read more often (they follow the
  /// reads when these are slower).
  public let pollInterval: Duration
  /// The longest pause between two attempts to reconnect.
  public let maxBackoff: Duration

  private let transport: HTTPTransport
  private let state: Mutex<State>
  /// Signalled to wake the poller early (on close).
  private let pollWake = DispatchSemaphore(value: 0)
  /// Signalled once per command queued, and on close.
  private let commandWake = DispatchSemaphore(value: 0)
  /// Signalled by each thread as it ends.
  private let threadsDone = DispatchSemaphore(value: 0)

  private struct State {
    var snapshot: RuntimeSnapshot
    var info: RemoteInfo
    var lastUpdate: ContinuousClock.Instant
    var failure: (reason: String, attempt: Int, retryAt: ContinuousClock.Instant?)?
    /// True once a command was refused with 403: the server turned read-only since /v1/info said.
    var refusedAsReadOnly = false
    var answers: [RemoteAnswer] = []
    var commands: [RemoteCommand] = []
    var nextRecording: UInt64 = 1
    /// This client's recording ids to the server's.
    var recordings: [UInt64: UInt64] = [:]
    var closed = false
    /// When `snapshot()` was last called, and the time between its last two calls.
    var lastRead: ContinuousClock.Instant?
    var readGap: Duration?
  }

  /// Polls are due this long before the next read: the time an answer takes, with room to spare.
  static let pollLead: Duration = .milliseconds(50)
  /// The longest time between two polls, however rarely the snapshot is read.
  static let longestPollGap: Duration = .seconds(1)

  /// The first `GET /v1/info`'s answer (or the latest, after a reconnection).
  public var info: RemoteInfo { state.withLock { $0.info } }

  private init(
    endpoint: RemoteEndpoint, transport: HTTPTransport, info: RemoteInfo, snapshot: RuntimeSnapshot,
    pollInterval: Duration, maxBackoff: Duration
  ) {
    self.endpoint = endpoint
    self.transport = transport
    self.pollInterval = pollInterval
    self.maxBackoff = maxBackoff
    state = Mutex(State(snapshot: snapshot, info: info, lastUpdate: .now))
  }

  /// Attaches to the server at `endpoint`: asks `GET /v1/info` and a first snapshot, each within
  /// `timeout`, and starts polling. Throws, with a message naming the server and the fix, when
  /// nothing answers, the token is refused (401), or the server is not a Lanes server speaking
  /// API 1 or sends a snapshot this Lanes cannot read.
  public static func connect(
    to endpoint: RemoteEndpoint, pollInterval: Duration = .milliseconds(250),
    maxBackoff: Duration = .seconds(2), timeout: Duration = .seconds(5)
  ) async throws(RemoteConnectError) -> RemoteRuntime {
    let transport = HTTPTransport(endpoint: endpoint)
    do throws(RemoteConnectError) {
      let address = endpoint.address
      func unreachable(_ failure: TransportFailure) -> RemoteConnectError {
        let hint = failure == .refused ? " (is `lanes serve` running there?)" : ""
        return RemoteConnectError(
          .unreachable, "cannot reach the lanes server at \(address): \(failure.reason)\(hint)")
      }
      let info: RemoteInfo
      switch await transport.send(transport.request("GET", "/v1/info", timeout: timeout)) {
      case .failure(let failure): throw unreachable(failure)
      case .success(let reply): info = try RemoteInfo.read(reply, at: endpoint)
      }
      let snapshot: RuntimeSnapshot
      switch await transport.send(transport.request("GET", "/v1/snapshot", timeout: timeout)) {
      case .failure(let failure): throw unreachable(failure)
      case .success(let reply):
        guard reply.status == 200 else {
          throw RemoteConnectError(
            reply.status == 401 ? .unauthorized : .incompatible,
            "\(address): GET /v1/snapshot answered \(reply.status) (\(reply.errorMessage))")
        }
        do {
          snapshot = try RemoteSnapshot.decode(reply.body)
        } catch {
          throw RemoteConnectError(
            .incompatible,
            "\(address) (lanes \(info.version)) sent a snapshot this lanes cannot read "
              + "(\(RemoteSnapshot.describe(error))): connect with a lanes of the server's version")
        }
      }
      let runtime = RemoteRuntime(
        endpoint: endpoint, transport: transport, info: info, snapshot: snapshot, pollInterval: pollInterval,
        maxBackoff: maxBackoff)
      runtime.startThreads()
      return runtime
    } catch {
      transport.invalidate()
      throw error
    }
  }

  /// Stops polling and sending, and waits for both threads to end; commands not yet sent are
  /// dropped. Safe to call more than once.
  public func close() {
    let first = state.withLock { state in
      defer { state.closed = true }
      return !state.closed
    }
    guard first else { return }
    pollWake.signal()
    commandWake.signal()
    // Requests in flight fail at once, so neither thread waits out a timeout.
    transport.invalidate()
    threadsDone.wait()
    threadsDone.wait()
  }

  // MARK: RemoteRuntimeControl

  /// The latest snapshot received (see `link()` for its age). Its calls set the polling pace.
  public func snapshot() -> RuntimeSnapshot {
    let now = ContinuousClock.now
    return state.withLock { state in
      if let last = state.lastRead { state.readGap = now - last }
      state.lastRead = now
      return state.snapshot
    }
  }

  /// The connection as of now.
  public func link() -> RuntimeLink {
    state.withLock { state in
      let now = ContinuousClock.now
      let linkState: RuntimeLink.State =
        state.failure.map { failure in
          .reconnecting(
            reason: failure.reason, attempt: failure.attempt,
            retryIn: failure.retryAt.map { max(.zero, $0 - now) })
        } ?? .connected
      return RuntimeLink(
        address: endpoint.address, state: linkState, lastUpdateAge: now - state.lastUpdate,
        readOnly: state.info.readOnly || state.refusedAsReadOnly)
    }
  }

  /// Answers that arrived since the last call, oldest first.
  public func takeAnswers() -> [RemoteAnswer] {
    state.withLock { state in
      defer { state.answers.removeAll() }
      return state.answers
    }
  }

  /// Sends one run; the result only means "sent" (the real one comes from `takeAnswers()`).
  @discardableResult public func trigger(workflow: String) -> TriggerResult {
    enqueue(.trigger(workflow: workflow, count: 1))
    return TriggerResult(requested: 1, accepted: 0, refusal: nil)
  }

  /// Sends a burst; the result only means "sent" (the real one comes from `takeAnswers()`).
  @discardableResult public func triggerBurst(workflow: String, count: Int) -> TriggerResult {
    enqueue(.trigger(workflow: workflow, count: count))
    return TriggerResult(requested: count, accepted: 0, refusal: nil)
  }

  /// Sends the new rate.
  public func setRate(workflow: String, rate: Double) { enqueue(.setRate(workflow: workflow, rate: rate)) }
  /// Sends a pause.
  public func pause(workflow: String) { enqueue(.pause(workflow: workflow)) }
  /// Sends a resume.
  public func resume(workflow: String) { enqueue(.resume(workflow: workflow)) }
  /// Sends a queue pause.
  public func pauseQueue(_ queue: String) { enqueue(.pauseQueue(queue)) }
  /// Sends a queue resume.
  public func resumeQueue(_ queue: String) { enqueue(.resumeQueue(queue)) }
  /// Sends the runtime's mode.
  public func setMode(_ mode: ExecutionMode) { enqueue(.setMode(mode)) }
  /// Sends one workflow's mode.
  public func setMode(_ mode: ExecutionMode?, workflow: String, comparison: Bool) {
    enqueue(.setWorkflowMode(mode, workflow: workflow, comparison: comparison))
  }

  /// Sends a redrive; returns 0 (the count moved comes from `takeAnswers()`).
  @discardableResult public func redrive(queue: String) -> Int {
    enqueue(.redrive(queue: queue))
    return 0
  }

  /// Sends the start of a recording; the id returned is this client's, valid for `finishRecording`.
  public func startRecording(workflow: String) -> RecordingID {
    let local = state.withLock { state in
      defer { state.nextRecording += 1 }
      return RecordingID(rawValue: state.nextRecording)
    }
    enqueue(.startRecording(workflow: workflow, local: local))
    return local
  }

  /// Sends the end of a recording; returns nil (the summary comes from `takeAnswers()`).
  public func finishRecording(_ id: RecordingID) -> LatencySummary? {
    enqueue(.finishRecording(local: id))
    return nil
  }

  // MARK: Threads

  private func startThreads() {
    let poller = Thread { [self] in
      pollLoop()
      threadsDone.signal()
    }
    poller.name = "lanes-remote-poll"
    poller.start()
    let sender = Thread { [self] in
      commandLoop()
      threadsDone.signal()
    }
    sender.name = "lanes-remote-send"
    sender.start()
  }

  private var isClosed: Bool { state.withLock { $0.closed } }

  /// Waits until `deadline` or until woken (by close).
  private func sleep(until deadline: ContinuousClock.Instant) {
    let left = deadline - ContinuousClock.now
    guard left > .zero else { return }
    _ = pollWake.wait(timeout: .now() + .nanoseconds(Int(left.nanoseconds)))
  }

  private func pollLoop() {
    var needInfo = false
    var attempt = 0
    var next = ContinuousClock.now + pollInterval
    while !isClosed {
      sleep(until: next)
      if isClosed { return }
      let started = ContinuousClock.now
      switch pollOnce(needInfo: needInfo) {
      case .success:
        attempt = 0
        needInfo = false
        next = state.withLock {
          Self.nextPoll(after: started, interval: pollInterval, $0.lastRead, $0.readGap)
        }
      case .failure(let failure):
        attempt += 1
        needInfo = true
        let backoff = min(maxBackoff, .milliseconds(250) * (1 << min(attempt - 1, 16)))
        next = ContinuousClock.now + backoff
        state.withLock { $0.failure = (failure.reason, attempt, next) }
      }
    }
  }

  /// When the poll after one that started at `started` is due: `pollLead` before the next read
  /// expected at the reads' own pace (one poll per read), and no later than `longestPollGap` after
  /// `started`. A read too close for that (sooner than half an `interval` away: the poll woke late,
  /// after the read it aimed at) is left to this poll's answer, and the poll aims at the one after.
  /// Before two reads, or when reads come faster than `interval`: every `interval`.
  static func nextPoll(
    after started: ContinuousClock.Instant, interval: Duration, _ lastRead: ContinuousClock.Instant?,
    _ readGap: Duration?
  ) -> ContinuousClock.Instant {
    guard let lastRead, let readGap, readGap > interval else { return started + interval }
    let earliest = started + interval / 2
    var due = lastRead + readGap - pollLead
    if due < earliest { due += readGap * Int(((earliest - due) / readGap).rounded(.up)) }
    return min(due, started + max(interval, longestPollGap))
  }

  /// Why one poll failed.
  private struct PollFailure: Error {
    var reason: String
  }

  /// Asks for the info (after a failure) and a snapshot; keeps them when they can be read.
  private func pollOnce(needInfo: Bool) -> Result<Void, PollFailure> {
    // Answers slower than this count as missing (the dashboard marks STALE after 2 s anyway).
    let timeout = max(.seconds(2), pollInterval * 4)
    state.withLock { state in
      if var failure = state.failure {
        failure.retryAt = nil
        state.failure = failure
      }
    }
    var info: RemoteInfo?
    if needInfo {
      switch transport.sendAndWait(transport.request("GET", "/v1/info", timeout: timeout)) {
      case .failure(let failure): return .failure(PollFailure(reason: failure.reason))
      case .success(let reply):
        do throws(RemoteConnectError) {
          info = try RemoteInfo.read(reply, at: endpoint)
        } catch {
          return .failure(PollFailure(reason: error.description))
        }
      }
    }
    switch transport.sendAndWait(transport.request("GET", "/v1/snapshot", timeout: timeout)) {
    case .failure(let failure): return .failure(PollFailure(reason: failure.reason))
    case .success(let reply):
      guard reply.status == 200 else {
        let reason =
          reply.status == 401
          ? "the server refused the token (401)"
          : "GET /v1/snapshot answered \(reply.status) (\(reply.errorMessage))"
        return .failure(PollFailure(reason: reason))
      }
      let snapshot: RuntimeSnapshot
      do {
        snapshot = try RemoteSnapshot.decode(reply.body)
      } catch {
        return .failure(
          PollFailure(reason: "the snapshot could not be read: \(RemoteSnapshot.describe(error))"))
      }
      state.withLock { state in
        state.snapshot = snapshot
        state.lastUpdate = .now
        state.failure = nil
        if let info {
          // Another server, or the same one restarted: its read-only setting is the one that counts now.
          if info.startedAt != state.info.startedAt { state.refusedAsReadOnly = false }
          state.info = info
        }
      }
      return .success(())
    }
  }

  private func enqueue(_ command: RemoteCommand) {
    let queued = state.withLock { state in
      guard !state.closed else { return false }
      state.commands.append(command)
      return true
    }
    if queued { commandWake.signal() }
  }

  private func commandLoop() {
    while true {
      commandWake.wait()
      let next: RemoteCommand? = state.withLock { state in
        guard !state.closed, !state.commands.isEmpty else { return nil }
        return state.commands.removeFirst()
      }
      if isClosed { return }
      if let next { send(next) }
    }
  }

  /// Sends one command and records the server's answer.
  private func send(_ command: RemoteCommand) {
    var serverRecording: UInt64?
    if case .finishRecording(let local) = command {
      serverRecording = state.withLock { $0.recordings.removeValue(forKey: local.rawValue) }
    }
    guard let (method, path, body) = command.request(serverRecording: serverRecording) else {
      // The start of this recording failed (already reported): nothing to finish on the server.
      if case .finishRecording(let local) = command { answer(.recordingFinished(local, nil)) }
      return
    }
    let data = body.flatMap { try? JSONSerialization.data(withJSONObject: $0) }
    let result = transport.sendAndWait(transport.request(method, path, body: data, timeout: .seconds(10)))
    let reply: HTTPReply
    switch result {
    case .failure(let failure):
      fail(command, "not sent: \(failure.reason)")
      return
    case .success(let success):
      reply = success
    }
    guard (200..<300).contains(reply.status) else {
      switch reply.status {
      case 401: fail(command, "the server refused the token (401)")
      case 403:
        state.withLock { $0.refusedAsReadOnly = true }
        let message = reply.errorMessage
        fail(command, message.hasPrefix("read-only server") ? message : "refused (403): \(message)")
      default: fail(command, reply.errorMessage)
      }
      return
    }
    do {
      switch command {
      case .trigger(let workflow, let count):
        answer(
          .triggered(
            workflow: workflow, count: count, try JSONDecoder().decode(TriggerResult.self, from: reply.body)))
      case .redrive(let queue):
        answer(.redriven(queue: queue, moved: try JSONDecoder().decode(Moved.self, from: reply.body).moved))
      case .startRecording(_, let local):
        let id = try JSONDecoder().decode(Recording.self, from: reply.body).id
        state.withLock { $0.recordings[local.rawValue] = id }
      case .finishRecording(let local):
        answer(.recordingFinished(local, try JSONDecoder().decode(LatencySummary.self, from: reply.body)))
      default:
        break
      }
    } catch {
      fail(command, "its answer could not be read: \(RemoteSnapshot.describe(error))")
    }
  }

  private struct Moved: Decodable { var moved: Int }
  private struct Recording: Decodable { var id: UInt64 }

  private func answer(_ answer: RemoteAnswer) {
    state.withLock { $0.answers.append(answer) }
  }

  /// Reports a command that failed; a recording's end is reported finished (empty) too, so a
  /// comparison waiting for it ends instead of waiting forever.
  private func fail(_ command: RemoteCommand, _ message: String) {
    answer(.failed(action: command.action, message: message))
    if case .finishRecording(let local) = command { answer(.recordingFinished(local, nil)) }
  }
}
