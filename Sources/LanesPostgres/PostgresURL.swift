/// Where a PostgreSQL store lives: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` (or
/// `postgresql://`), as `--store` takes it.
public struct PostgresURL: Sendable, Hashable, CustomStringConvertible {
  /// The role to connect as.
  public var user: String
  /// Its password, if the server asks for one.
  public var password: String?
  /// Host name or IP address (IPv6 without its brackets).
  public var host: String
  /// TCP port (5432 when the URL names none).
  public var port: Int
  /// Database name.
  public var database: String

  /// Creates a URL from its parts.
  public init(user: String, password: String? = nil, host: String, port: Int = 5432, database: String) {
    self.user = user
    self.password = password
    self.host = host
    self.port = port
    self.database = database
  }

  /// Parses `text`; throws `PostgresURLError` naming the part that is wrong and the form expected.
  public init(parsing text: String) throws(PostgresURLError) {
    let form = "postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE"
    func fail(_ problem: String) -> PostgresURLError {
      PostgresURLError(text: PostgresURL.redacting(text), problem: problem + " (expected \(form))")
    }
    let rest: Substring
    if text.hasPrefix("postgres://") {
      rest = text.dropFirst("postgres://".count)
    } else if text.hasPrefix("postgresql://") {
      rest = text.dropFirst("postgresql://".count)
    } else {
      throw fail("the scheme must be postgres:// or postgresql://")
    }
    if rest.contains("?") || rest.contains("#") {
      throw fail("query parameters (?...) are not supported: TLS and other options are not configurable yet")
    }
    guard let at = rest.lastIndex(of: "@") else {
      throw fail("the user is missing: put USER@ before the host")
    }
    let userInfo = rest[..<at]
    let location = rest[rest.index(after: at)...]
    let userPart: Substring
    let passwordPart: Substring?
    if let colon = userInfo.firstIndex(of: ":") {
      userPart = userInfo[..<colon]
      passwordPart = userInfo[userInfo.index(after: colon)...]
    } else {
      userPart = userInfo
      passwordPart = nil
    }
    guard !userPart.isEmpty else { throw fail("the user is empty: put USER@ before the host") }
    guard let user = PostgresURL.percentDecoded(userPart) else {
      throw fail("the user has an invalid %-escape")
    }
    var password: String?
    if let passwordPart {
      guard let decoded = PostgresURL.percentDecoded(passwordPart) else {
        throw fail("the password has an invalid %-escape")
      }
      password = decoded
    }
    guard let slash = location.firstIndex(of: "/") else {
      throw fail("the database is missing: end the URL with /DATABASE")
    }
    let hostPort = location[..<slash]
    let databasePart = location[location.index(after: slash)...]
    guard !databasePart.isEmpty, !databasePart.contains("/") else {
      throw fail("the database name '\(databasePart)' is empty or contains '/'")
    }
    guard let database = PostgresURL.percentDecoded(databasePart) else {
      throw fail("the database name has an invalid %-escape")
    }
    var host: Substring
    var portText: Substring?
    if hostPort.hasPrefix("[") {
      guard let close = hostPort.firstIndex(of: "]") else {
        throw fail("the IPv6 host '\(hostPort)' lacks its closing ']'")
      }
      host = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
      let after = hostPort[hostPort.index(after: close)...]
      if !after.isEmpty {
        guard after.hasPrefix(":") else { throw fail("unexpected '\(after)' after the IPv6 host") }
        portText = after.dropFirst()
      }
    } else if let colon = hostPort.lastIndex(of: ":") {
      host = hostPort[..<colon]
      portText = hostPort[hostPort.index(after: colon)...]
    } else {
      host = hostPort
    }
    guard !host.isEmpty else { throw fail("the host is empty: name it after '@'") }
    var port = 5432
    if let portText {
      guard let value = Int(portText), (1...65535).contains(value) else {
        throw fail("the port '\(portText)' is not a number from 1 to 65535")
      }
      port = value
    }
    self.init(user: user, password: password, host: String(host), port: port, database: database)
  }

  /// The URL without its password: what messages and `name` show.
  public var description: String {
    let shownHost = host.contains(":") ? "[\(host)]" : host
    return "postgres://\(user)@\(shownHost):\(port)/\(database)"
  }

  /// `text` with any password replaced by `***`, for messages about a URL that did not parse.
  static func redacting(_ text: String) -> String {
    guard let scheme = text.range(of: "://"), let at = text.lastIndex(of: "@"), at > scheme.upperBound
    else { return text }
    let userInfo = text[scheme.upperBound..<at]
    guard let colon = userInfo.firstIndex(of: ":") else { return text }
    return String(text[..<colon]) + ":***" + String(text[at...])
  }

  static func percentDecoded(_ text: Substring) -> String? {
    var bytes: [UInt8] = []
    var iterator = Array(text.utf8).makeIterator()
    while let byte = iterator.next() {
      if byte == UInt8(ascii: "%") {
        guard let high = iterator.next(), let low = iterator.next(),
          let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
        else { return nil }
        bytes.append(value)
      } else {
        bytes.append(byte)
      }
    }
    return String(validating: bytes, as: UTF8.self)
  }
}

/// A `--store` URL that does not parse.
public struct PostgresURLError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The URL as given (password hidden).
  public var text: String
  /// What is wrong, naming the part.
  public var problem: String

  /// A sentence for people.
  public var description: String { "invalid PostgreSQL URL '\(text)': \(problem)" }
}
