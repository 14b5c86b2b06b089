import Testing

@testable import NCursesTerminal

@Suite("ColorPairCache")
struct ColorPairCacheTests {
  @Test func eachCombinationIsAllocatedOnceInOrder() {
    var cache = ColorPairCache(capacity: 256)
    var allocated: [[Int32]] = []
    let allocate = { (pair: Int32, fg: Int32, bg: Int32) -> Bool in
      allocated.append([pair, fg, bg])
      return true
    }
    #expect(cache.pair(for: .init(foreground: 196, background: -1), allocate: allocate) == 1)
    #expect(cache.pair(for: .init(foreground: 46, background: 236), allocate: allocate) == 2)
    #expect(cache.pair(for: .init(foreground: 196, background: -1), allocate: allocate) == 1)
    #expect(allocated == [[1, 196, -1], [2, 46, 236]])
  }

  @Test func defaultsUsePairZeroWithoutAllocating() {
    var cache = ColorPairCache(capacity: 256)
    let pair = cache.pair(for: .init(foreground: -1, background: -1)) { _, _, _ in
      Issue.record("pair 0 must not be allocated")
      return true
    }
    #expect(pair == 0)
    #expect(cache.count == 0)
  }

  @Test func whenPairsRunOutTheDefaultsAreUsed() {
    var cache = ColorPairCache(capacity: 3)
    let allocate = { (_: Int32, _: Int32, _: Int32) in true }
    #expect(cache.pair(for: .init(foreground: 1, background: 0), allocate: allocate) == 1)
    #expect(cache.pair(for: .init(foreground: 2, background: 0), allocate: allocate) == 2)
    #expect(cache.pair(for: .init(foreground: 3, background: 0), allocate: allocate) == 0)
    #expect(cache.pair(for: .init(foreground: 2, background: 0), allocate: allocate) == 2)
  }

  @Test func aFailedAllocationIsNotCached() {
    var cache = ColorPairCache(capacity: 10)
    #expect(cache.pair(for: .init(foreground: 1, background: 0)) { _, _, _ in false } == 0)
    #expect(cache.pair(for: .init(foreground: 1, background: 0)) { _, _, _ in true } == 1)
  }
}
