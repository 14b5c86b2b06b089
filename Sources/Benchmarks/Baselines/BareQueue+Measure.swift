import Synchronization

extension BareQueue {
  /// No-op jobs per second through a bare queue with `workers` threads: `jobs` are queued while
  /// the workers are held, then released; the clock runs from release to the last job's end.
  public static func throughput(workers: Int, jobs: Int) -> Double {
    throughputAndCPU(workers: workers, jobs: jobs).perSecond
  }

  /// Like `throughput`, also returning the process CPU time per job during the drain (ns).
  public static func throughputAndCPU(workers: Int, jobs: Int) -> (perSecond: Double, cpuPerJob: Double) {
    let queue = BareQueue(workers: workers, paused: true)
    defer { queue.shutdown() }
    for _ in 0..<jobs { queue.enqueue {} }
    let cpuStart = ProcessCPU.nanoseconds()
    let start = Nanos.now()
    queue.resume()
    queue.waitUntilCompleted(jobs)
    let elapsed = Nanos.now() - start
    let cpu = ProcessCPU.nanoseconds() - cpuStart
    return (Double(jobs) / (Double(max(1, elapsed)) / 1e9), Double(cpu) / Double(max(1, jobs)))
  }

  /// Enqueue-to-start latency of jobs handed to parked workers: open loop at `rate` per second
  /// from a task, so the workers are idle before each job arrives.
  public static func enqueueToStart(workers: Int, samples: Int, rate: Double, seed: UInt64) async
    -> BenchHistogram
  {
    let queue = BareQueue(workers: workers)
    let histogram = MutexBox(BenchHistogram())
    await OpenLoop.run(rate: rate, count: samples, arrivals: .constant, seed: seed) { _ in
      let enqueued = Nanos.now()
      queue.enqueue {
        let started = Nanos.now()
        histogram.withLock { $0.record(nanoseconds: started - enqueued) }
      }
    }
    queue.waitUntilCompleted(samples)
    queue.shutdown()
    return histogram.withLock { $0 }
  }
}
