// A Swift service that embeds Lanes: a checkout request (an order, the run's input) waits only for
// its blocking steps, which compute the receipt it answers with; sending the receipt and updating
// analytics run afterwards, on bounded queues, with retries, from the receipt handed to them.
// Run: swift run EmbeddingExample              (three requests, then a summary)
//      swift run EmbeddingExample --dashboard  (requests keep coming; watch them live, q quits)
import DashboardHost
import ExecutionCore
import Synchronization

let start = ContinuousClock.now
let dashboard = CommandLine.arguments.contains("--dashboard")
/// Seconds since start, for the log lines.
func elapsed() -> String { "+" + DurationText.format(ContinuousClock.now - start) }
/// The last time a background step finished.
let lastBackground = Mutex<Duration>(.zero)

/// What a checkout request carries: the run's input.
struct Order: Codable {
  var id: Int
  var email: String
  var items: [Item]

  struct Item: Codable {
    var sku: String
    var cents: Int
    var quantity: Int
  }
}

/// What `validate-cart` finds: the cart's total.
struct Cart: Codable {
  var order: Int
  var totalCents: Int
}

/// What `charge-card` produces: the response, and what the background steps work from.
struct Receipt: Codable {
  var order: Int
  var email: String
  var chargedCents: Int
  var charge: String
}

/// Cents as dollars for the log lines.
func dollars(_ cents: Int) -> String { "$\(cents / 100).\(cents % 100 < 10 ? "0" : "")\(cents % 100)" }

let checkout = WorkflowDefinition(
  name: "checkout", description: "Charge the card and answer; receipt and analytics later",
  steps: [
    StepDefinition(
      id: "validate-cart", mode: .blocking,
      action: .codable { (order: Order, _) -> Cart in
        try await Task.sleep(for: .milliseconds(20))  // e.g. check stock and prices in the database
        guard !order.items.isEmpty else { throw EmptyCart() }
        return Cart(order: order.id, totalCents: order.items.reduce(0) { $0 + $1.cents * $1.quantity })
      }),
    StepDefinition(
      id: "charge-card", mode: .blocking, after: ["validate-cart"], timeout: .seconds(2),
      action: .codable { (order: Order, context) -> Receipt in
        let cart = try context.decodeOutput(of: "validate-cart", as: Cart.self)
        try await Task.sleep(for: .milliseconds(60))  // the payment provider
        return Receipt(
          order: order.id, email: order.email, chargedCents: cart.totalCents, charge: "ch_\(order.id)")
      }),
    StepDefinition(
      id: "send-receipt", mode: .background, after: ["charge-card"], queue: "email",
      retry: RetryPolicy(attempts: 3, backoff: .milliseconds(50)),
      action: .transform { context in
        // The receipt comes with the step (a copy made when it was queued), not from a table the
        // program keeps: retries see the same one.
        let receipt = try context.decodeOutput(of: "charge-card", as: Receipt.self)
        try await Task.sleep(for: .milliseconds(300))
        // The mail server refuses every second order's first attempt: the queue retries it.
        if context.attempt == 1 && receipt.order % 2 == 0 { throw MailServerBusy() }
        if !dashboard {
          print(
            "\(elapsed())  receipt for order \(receipt.order) (\(dollars(receipt.chargedCents))) sent to \(receipt.email) (attempt \(context.attempt))"
          )
        }
        lastBackground.withLock { $0 = ContinuousClock.now - start }
        return .null
      }),
    StepDefinition(
      id: "update-analytics", mode: .background, after: ["charge-card"], queue: "analytics",
      action: .transform { context in
        let receipt = try context.decodeOutput(of: "charge-card", as: Receipt.self)
        try await Task.sleep(for: .milliseconds(150))
        revenueCents.withLock { $0 += receipt.chargedCents }
        lastBackground.withLock { $0 = max($0, ContinuousClock.now - start) }
        return .null
      }),
  ],
  load: LoadDefinition(rate: 5))  // only used by `runtime.start()`'s own load generator
struct MailServerBusy: Error {}
struct EmptyCart: Error, CustomStringConvertible {
  var description: String { "the cart is empty" }
}
/// What the analytics step has counted.
let revenueCents = Mutex(0)

let runtime = try Runtime(
  topology: Topology(
    workflows: [checkout],
    queues: [
      QueueDefinition(name: "email", workers: 2, capacity: 100, whenFull: .reject),
      QueueDefinition(name: "analytics", workers: 1, capacity: 500, whenFull: .dropOldest),
    ]),
  options: RuntimeOptions(startLoad: false))

/// The service's request handler: it answers with the receipt as soon as the blocking steps are done.
func handleCheckout(_ order: Order) async -> String {
  do {
    let result = try await runtime.run(workflow: "checkout", input: try Payload(encoding: order))
    if result.failed { return "502 \(result.error ?? "failed")" }
    let receipt = try result.response.decode(Receipt.self)
    return
      "200 order \(receipt.order) confirmed, \(dollars(receipt.chargedCents)) charged (\(receipt.charge))"
  } catch {
    return "503 \(error)"  // rejected: paused, shutting down, or over the in-flight limit
  }
}

/// Order `n` of the demo: a few items, one more each time.
func order(_ n: Int) -> Order {
  Order(
    id: n, email: "customer\(n)@example.com",
    items: (1...n).map { Order.Item(sku: "sku-\($0)", cents: 250 * $0 + 99, quantity: $0) })
}

if dashboard {
  let traffic = Task {  // the service keeps taking requests while someone watches
    var n = 0
    while !Task.isCancelled {
      n += 1
      _ = await handleCheckout(order(n % 5 + 1))
      try? await Task.sleep(for: .milliseconds(200))
    }
  }
  try await LanesDashboard.open(on: runtime)
  traffic.cancel()
} else {
  for n in 1...3 {
    let response = await handleCheckout(order(n))
    print("\(elapsed())  response: \(response)")
  }
  _ = await runtime.waitUntilSettled(timeout: .seconds(10))
  let snapshot = runtime.snapshot(fresh: true)  // the same value the dashboard draws
  let (workflow, last) = (snapshot.workflows[0], lastBackground.withLock { $0 })
  print("responses: p50 \(DurationText.format(workflow.criticalPath.p50))")
  print("runs settled (background done too): p50 \(DurationText.format(workflow.settle.p50))")
  print("last background step finished at +\(DurationText.format(last))")
  print("revenue counted by analytics: \(dollars(revenueCents.withLock { $0 }))")
  for queue in snapshot.queues {
    print("queue \(queue.name): \(queue.succeeded) succeeded, \(queue.retried) retried, \(queue.dead) dead")
  }
}
_ = await runtime.shutdown(deadline: .seconds(2))
