#ifndef CNCURSESW_H
#define CNCURSESW_H
// The wide API (wget_wch, wadd_wchnstr, setcchar) only exists with these defined first.
#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <ncursesw/curses.h>

// Swift 6 rejects C globals as not concurrency-safe and does not import function-like macros or
// some attribute constants, so each one needed gets an accessor here.

static inline WINDOW *nc_stdscr(void) { return stdscr; }
static inline int nc_lines(void) { return LINES; }
static inline int nc_cols(void) { return COLS; }
static inline int nc_colors(void) { return COLORS; }
static inline int nc_color_pairs(void) { return COLOR_PAIRS; }

static inline int nc_ok(void) { return OK; }
static inline int nc_err(void) { return ERR; }

static inline attr_t nc_a_normal(void) { return A_NORMAL; }
static inline attr_t nc_a_bold(void) { return A_BOLD; }
static inline attr_t nc_a_dim(void) { return A_DIM; }
static inline attr_t nc_a_underline(void) { return A_UNDERLINE; }
static inline attr_t nc_a_reverse(void) { return A_REVERSE; }
static inline attr_t nc_a_italic(void) { return A_ITALIC; }

static inline int nc_key_code_yes(void) { return KEY_CODE_YES; }
static inline int nc_key_resize(void) { return KEY_RESIZE; }
static inline int nc_key_up(void) { return KEY_UP; }
static inline int nc_key_down(void) { return KEY_DOWN; }
static inline int nc_key_left(void) { return KEY_LEFT; }
static inline int nc_key_right(void) { return KEY_RIGHT; }
static inline int nc_key_home(void) { return KEY_HOME; }
static inline int nc_key_end(void) { return KEY_END; }
static inline int nc_key_ppage(void) { return KEY_PPAGE; }
static inline int nc_key_npage(void) { return KEY_NPAGE; }
static inline int nc_key_enter(void) { return KEY_ENTER; }
static inline int nc_key_backspace(void) { return KEY_BACKSPACE; }
static inline int nc_key_btab(void) { return KEY_BTAB; }
static inline int nc_key_f0(void) { return KEY_F0; }
static inline int nc_key_f(int n) { return KEY_F(n); }

/// Fills one cell with up to CCHARW_MAX-1 code points (a base character and combining marks),
/// attributes and an extended colour pair (any pair number, not only those fitting a short).
static inline int nc_setcchar(cchar_t *cell, const wchar_t *text, attr_t attrs, int pair) {
  return setcchar(cell, text, attrs, 0, &pair);
}

/// Sets the locale from the environment; if its codeset is not UTF-8, tries LC_CTYPE=C.UTF-8.
/// Returns 1 if the user's own locale is UTF-8, 2 if only the C.UTF-8 fallback is (the terminal
/// is not known to show UTF-8: draw ASCII), 0 if neither.
int nc_setup_locale(void);

/// 1 if the current terminal has an alternate screen (`smcup`), so leaving it restores the
/// shell's screen; 0 if not (vt100), and the program must clear what it drew itself.
int nc_has_alternate_screen(void);

/// Looks `term` up in terminfo without touching the screen. Returns 1 and sets `*addresses_cursor`
/// (whether it has `cup`) if an entry exists, 0 if not.
int nc_probe_terminfo(const char *term, int *addresses_cursor);

/// True if the current terminal (after newterm) has the `cup` capability.
int nc_current_addresses_cursor(void);

/// Opens `fd` as a stdio stream for newterm (Swift cannot use Glibc's stdout/stdin globals).
FILE *nc_fdopen(int fd, const char *mode);

/// Installs the crash guard: on SIGSEGV, SIGILL, SIGTRAP, SIGBUS, SIGFPE or SIGABRT it calls
/// endwin(), puts the previous handler back and re-raises, so the terminal is usable again and
/// Swift's backtrace still prints. Idempotent.
void nc_install_crash_guard(void);

/// Puts back the handlers the crash guard replaced. Idempotent.
void nc_remove_crash_guard(void);

/// Ignores SIGINT, SIGTERM, SIGHUP and SIGQUIT (so ncurses installs no handlers of its own and the signals
/// can be watched instead), remembering the previous dispositions. Idempotent.
void nc_ignore_stop_signals(void);

/// After newterm: catches SIGINT, SIGTERM, SIGHUP and SIGQUIT into a flag read by nc_take_stop_signal.
void nc_catch_stop_signals(void);

/// The last stop signal caught since the previous call, or 0; clears it.
int nc_take_stop_signal(void);

/// Puts back the dispositions nc_ignore_stop_signals replaced. Idempotent.
void nc_restore_stop_signals(void);

#endif
