/// The shipped theme files, compiled in so theme cycling works wherever the binary runs.
///
/// Each text is a verbatim copy of `themes/NAME.theme` (a test checks they are byte-identical);
/// after editing a file, paste it between the delimiters of its literal here.
public enum BuiltInThemes {
  /// One built-in theme: its name and the text of its file.
  public struct Entry: Sendable, Hashable {
    /// The theme's name, as given to `--theme`.
    public var name: String
    /// The file's text, byte for byte.
    public var text: String
  }

  /// Every built-in theme, default first, then alphabetical.
  public static let all: [Entry] = [
    Entry(name: "default", text: defaultText),
    Entry(name: "high-contrast", text: highContrastText),
    Entry(name: "light", text: lightText),
    Entry(name: "mono", text: monoText),
  ]

  /// The built-in theme called `name`, or nil.
  public static func text(named name: String) -> String? {
    all.first { $0.name == name }?.text
  }

  static let defaultText = ##"""
    # Lanes theme: default
    #
    # The built-in dark theme, for terminals with a dark background. Lanes uses these
    # colours when no theme is chosen; this file holds the same values, as a starting
    # point for your own theme. Alarm colours are warm (red, orange), calm ones cool
    # (blue, green), and the pairs you compare (p50 and p99, blocking and background)
    # differ in hue and in brightness, so they stay apart for colour-blind eyes too.
    #
    # Format (as in btop): theme[key]="#RRGGBB", one per line. An empty value ("") means
    # the terminal's own colour. A key left out keeps the built-in default's colour.
    # Lines starting with # are comments. Use it with --theme NAME, or copy it to
    # ~/.config/lanes/themes/NAME.theme and change what you like.

    # --- Screen and text --------------------------------------------------------

    # Background of the whole screen.
    # Empty: the terminal's own dark background shows through.
    theme[main_bg]=""

    # Ordinary text: step names, counts, values.
    theme[main_fg]="#CCCCCC"

    # Panel titles.
    theme[title]="#EEEEEE"

    # Highlighted text: the key letters in the footer, figures that matter.
    theme[hi_fg]="#5FAFFF"

    # Secondary text: labels, units, graph axes.
    theme[inactive_fg]="#8A8A8A"

    # Panel borders and dividers.
    theme[div_line]="#444B55"

    # Background of the selected row (steps, queues).
    theme[selected_bg]="#264F78"

    # Text of the selected row.
    theme[selected_fg]="#FFFFFF"

    # --- Header line and mode badge ---------------------------------------------

    # Background of the header line at the top.
    theme[header_bg]="#262A33"

    # Text of the header line.
    theme[header_fg]="#DDDDDD"

    # The mode badge in hybrid mode: background work off the critical path (reassuring).
    theme[mode_hybrid]="#3FB950"

    # The mode badge in all-sync mode: every step blocks the caller (should alarm).
    theme[mode_sync]="#FF5555"

    # --- Latency graph ----------------------------------------------------------

    # The p50 (median) line of the critical-path latency graph.
    theme[graph_p50]="#4FC1FF"

    # The p99 (tail) line of the latency graph; must stand apart from p50.
    theme[graph_p99]="#FFB86C"

    # --- Waterfall (one request's steps on a time axis) -------------------------

    # Bars of blocking steps, the ones the caller waits for.
    theme[blocking]="#5FAFFF"

    # Bars of background steps, the ones that run later; must differ from blocking.
    # Reddish purple against the sky-blue blocking bars.
    theme[background]="#CC79A7"

    # The critical-path mark on the steps that decide the response time.
    theme[critical]="#FFD700"

    # The line where the caller gets its response.
    theme[response_marker]="#2ECC71"

    # The line where the last background step has finished.
    theme[settle_marker]="#FFFFFF"

    # --- Queue bars (one stacked bar per background queue) ----------------------

    # Steps waiting in the queue.
    theme[queued]="#5FAFFF"

    # Steps a worker is running.
    theme[running]="#2ECC71"

    # Steps waiting to retry after a failure.
    theme[retrying]="#FFB86C"

    # Dead letters: steps that failed all their attempts (must be unmistakable).
    theme[dead]="#FF5555"

    # Free capacity: the empty part of the bar.
    # Deliberately dim: free space should not draw the eye.
    theme[capacity]="#3A3F4B"

    # --- Status text ------------------------------------------------------------

    # Good news: succeeded, running.
    theme[ok]="#2ECC71"

    # Worth a look: retries, pausing, rejected work.
    theme[warn]="#FFB86C"

    # Failures.
    theme[error]="#FF5555"

    """##

  static let highContrastText = ##"""
    # Lanes theme: high-contrast
    #
    # For projectors, bright rooms and low vision: a black background, white text and
    # pure, saturated colours. Plain text reads at 7:1 or better (WCAG AAA), every colour at
    # 4.5:1 or better. Pairs you compare differ strongly in brightness as well as hue
    # (cyan against magenta), so they survive a washed-out projector and colour
    # blindness.
    #
    # Format (as in btop): theme[key]="#RRGGBB", one per line. An empty value ("") means
    # the terminal's own colour. A key left out keeps the built-in default's colour.
    # Lines starting with # are comments. Use it with --theme NAME, or copy it to
    # ~/.config/lanes/themes/NAME.theme and change what you like.

    # --- Screen and text --------------------------------------------------------

    # Background of the whole screen.
    # Pure black, whatever the terminal's own background is.
    theme[main_bg]="#000000"

    # Ordinary text: step names, counts, values.
    theme[main_fg]="#FFFFFF"

    # Panel titles.
    theme[title]="#FFFFFF"

    # Highlighted text: the key letters in the footer, figures that matter.
    theme[hi_fg]="#00FFFF"

    # Secondary text: labels, units, graph axes.
    theme[inactive_fg]="#C0C0C0"

    # Panel borders and dividers.
    theme[div_line]="#FFFFFF"

    # Background of the selected row (steps, queues).
    theme[selected_bg]="#FFFF00"

    # Text of the selected row.
    theme[selected_fg]="#000000"

    # --- Header line and mode badge ---------------------------------------------

    # Background of the header line at the top.
    theme[header_bg]="#FFFFFF"

    # Text of the header line.
    theme[header_fg]="#000000"

    # The mode badge in hybrid mode: background work off the critical path (reassuring).
    theme[mode_hybrid]="#00FF00"

    # The mode badge in all-sync mode: every step blocks the caller (should alarm).
    theme[mode_sync]="#FF0000"

    # --- Latency graph ----------------------------------------------------------

    # The p50 (median) line of the critical-path latency graph.
    theme[graph_p50]="#00FFFF"

    # The p99 (tail) line of the latency graph; must stand apart from p50.
    theme[graph_p99]="#FF00FF"

    # --- Waterfall (one request's steps on a time axis) -------------------------

    # Bars of blocking steps, the ones the caller waits for.
    theme[blocking]="#00FFFF"

    # Bars of background steps, the ones that run later; must differ from blocking.
    theme[background]="#FF00FF"

    # The critical-path mark on the steps that decide the response time.
    theme[critical]="#FFFF00"

    # The line where the caller gets its response.
    theme[response_marker]="#00FF00"

    # The line where the last background step has finished.
    theme[settle_marker]="#FFFFFF"

    # --- Queue bars (one stacked bar per background queue) ----------------------

    # Steps waiting in the queue.
    # Azure rather than pure blue, which is too dark to read on black.
    theme[queued]="#0080FF"

    # Steps a worker is running.
    theme[running]="#00FF00"

    # Steps waiting to retry after a failure.
    theme[retrying]="#FFFF00"

    # Dead letters: steps that failed all their attempts (must be unmistakable).
    theme[dead]="#FF0000"

    # Free capacity: the empty part of the bar.
    theme[capacity]="#808080"

    # --- Status text ------------------------------------------------------------

    # Good news: succeeded, running.
    theme[ok]="#00FF00"

    # Worth a look: retries, pausing, rejected work.
    theme[warn]="#FFFF00"

    # Failures.
    theme[error]="#FF0000"

    """##

  static let lightText = ##"""
    # Lanes theme: light
    #
    # For terminals with a light (white or near-white) background. Every text colour
    # reads at 4.5:1 or better on white (the WCAG AA level for normal text); the
    # colours are darker, more saturated versions of the default's, with the same
    # meanings: red alarms, green reassures, blue is the critical path.
    #
    # Format (as in btop): theme[key]="#RRGGBB", one per line. An empty value ("") means
    # the terminal's own colour. A key left out keeps the built-in default's colour.
    # Lines starting with # are comments. Use it with --theme NAME, or copy it to
    # ~/.config/lanes/themes/NAME.theme and change what you like.

    # --- Screen and text --------------------------------------------------------

    # Background of the whole screen.
    # Empty: your light terminal's own background; write "#FFFFFF" to force white.
    theme[main_bg]=""

    # Ordinary text: step names, counts, values.
    theme[main_fg]="#24292F"

    # Panel titles.
    theme[title]="#1F2328"

    # Highlighted text: the key letters in the footer, figures that matter.
    theme[hi_fg]="#0550AE"

    # Secondary text: labels, units, graph axes.
    theme[inactive_fg]="#57606A"

    # Panel borders and dividers.
    theme[div_line]="#AFB8C1"

    # Background of the selected row (steps, queues).
    theme[selected_bg]="#CCE5FF"

    # Text of the selected row.
    theme[selected_fg]="#0A0A0A"

    # --- Header line and mode badge ---------------------------------------------

    # Background of the header line at the top.
    theme[header_bg]="#EAEEF2"

    # Text of the header line.
    theme[header_fg]="#1F2328"

    # The mode badge in hybrid mode: background work off the critical path (reassuring).
    theme[mode_hybrid]="#1A7F37"

    # The mode badge in all-sync mode: every step blocks the caller (should alarm).
    theme[mode_sync]="#CF222E"

    # --- Latency graph ----------------------------------------------------------

    # The p50 (median) line of the critical-path latency graph.
    theme[graph_p50]="#0969DA"

    # The p99 (tail) line of the latency graph; must stand apart from p50.
    theme[graph_p99]="#BC4C00"

    # --- Waterfall (one request's steps on a time axis) -------------------------

    # Bars of blocking steps, the ones the caller waits for.
    theme[blocking]="#0969DA"

    # Bars of background steps, the ones that run later; must differ from blocking.
    theme[background]="#A8447F"

    # The critical-path mark on the steps that decide the response time.
    theme[critical]="#9A6700"

    # The line where the caller gets its response.
    theme[response_marker]="#1A7F37"

    # The line where the last background step has finished.
    theme[settle_marker]="#000000"

    # --- Queue bars (one stacked bar per background queue) ----------------------

    # Steps waiting in the queue.
    theme[queued]="#0969DA"

    # Steps a worker is running.
    theme[running]="#1A7F37"

    # Steps waiting to retry after a failure.
    # Amber, not orange, so it never looks like a dead letter.
    theme[retrying]="#9A6700"

    # Dead letters: steps that failed all their attempts (must be unmistakable).
    theme[dead]="#CF222E"

    # Free capacity: the empty part of the bar.
    # Light grey: free space should not draw the eye.
    theme[capacity]="#D0D7DE"

    # --- Status text ------------------------------------------------------------

    # Good news: succeeded, running.
    theme[ok]="#1A7F37"

    # Worth a look: retries, pausing, rejected work.
    theme[warn]="#9A6700"

    # Failures.
    theme[error]="#CF222E"

    """##

  static let monoText = ##"""
    # Lanes theme: mono
    #
    # Monochrome: every key is empty, so everything is drawn in the terminal's own
    # foreground and background. For terminals without colour, for screenshots that
    # must print in black and white, and for people who prefer no colour. Meaning is
    # carried by attributes the dashboard adds whatever the theme (bold, reverse,
    # underline, dim) and by the shapes and labels of bars and badges.
    #
    # Format (as in btop): theme[key]="#RRGGBB", one per line. An empty value ("") means
    # the terminal's own colour. A key left out keeps the built-in default's colour.
    # Lines starting with # are comments. Use it with --theme NAME, or copy it to
    # ~/.config/lanes/themes/NAME.theme and change what you like.

    # --- Screen and text --------------------------------------------------------

    # Background of the whole screen.
    theme[main_bg]=""

    # Ordinary text: step names, counts, values.
    theme[main_fg]=""

    # Panel titles.
    theme[title]=""

    # Highlighted text: the key letters in the footer, figures that matter.
    theme[hi_fg]=""

    # Secondary text: labels, units, graph axes.
    theme[inactive_fg]=""

    # Panel borders and dividers.
    theme[div_line]=""

    # Background of the selected row (steps, queues).
    theme[selected_bg]=""

    # Text of the selected row.
    theme[selected_fg]=""

    # --- Header line and mode badge ---------------------------------------------

    # Background of the header line at the top.
    theme[header_bg]=""

    # Text of the header line.
    theme[header_fg]=""

    # The mode badge in hybrid mode: background work off the critical path (reassuring).
    theme[mode_hybrid]=""

    # The mode badge in all-sync mode: every step blocks the caller (should alarm).
    theme[mode_sync]=""

    # --- Latency graph ----------------------------------------------------------

    # The p50 (median) line of the critical-path latency graph.
    theme[graph_p50]=""

    # The p99 (tail) line of the latency graph; must stand apart from p50.
    theme[graph_p99]=""

    # --- Waterfall (one request's steps on a time axis) -------------------------

    # Bars of blocking steps, the ones the caller waits for.
    theme[blocking]=""

    # Bars of background steps, the ones that run later; must differ from blocking.
    theme[background]=""

    # The critical-path mark on the steps that decide the response time.
    theme[critical]=""

    # The line where the caller gets its response.
    theme[response_marker]=""

    # The line where the last background step has finished.
    theme[settle_marker]=""

    # --- Queue bars (one stacked bar per background queue) ----------------------

    # Steps waiting in the queue.
    theme[queued]=""

    # Steps a worker is running.
    theme[running]=""

    # Steps waiting to retry after a failure.
    theme[retrying]=""

    # Dead letters: steps that failed all their attempts (must be unmistakable).
    theme[dead]=""

    # Free capacity: the empty part of the bar.
    theme[capacity]=""

    # --- Status text ------------------------------------------------------------

    # Good news: succeeded, running.
    theme[ok]=""

    # Worth a look: retries, pausing, rejected work.
    theme[warn]=""

    # Failures.
    theme[error]=""

    """##
}
