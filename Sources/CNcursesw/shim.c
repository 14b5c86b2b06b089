#include "CNcursesw.h"

#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <term.h>

int nc_setup_locale(void) {
  setlocale(LC_ALL, "");
  const char *codeset = nl_langinfo(CODESET);
  if (codeset && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0)) return 1;
  // The user's locale cannot show UTF-8 (LANG=C, LC_ALL=POSIX): ncurses still gets a UTF-8
  // LC_CTYPE so its wide-character calls work, but the caller must draw ASCII only.
  if (setlocale(LC_CTYPE, "C.UTF-8") == NULL) return 0;
  codeset = nl_langinfo(CODESET);
  return codeset && strcmp(codeset, "UTF-8") == 0 ? 2 : 0;
}

int nc_has_alternate_screen(void) {
  const char *smcup = tigetstr("smcup");
  return smcup != NULL && smcup != (const char *)-1 && smcup[0] != 0;
}

static int has_cup(void) {
  const char *cup = tigetstr("cup");
  return cup != NULL && cup != (const char *)-1;
}

int nc_probe_terminfo(const char *term, int *addresses_cursor) {
  TERMINAL *saved = cur_term;
  int status = 0;
  // fd -1 would make setupterm skip the size query; any fd works for a lookup, 1 is conventional.
  if (setupterm(term, 1, &status) != OK) {
    set_curterm(saved);
    *addresses_cursor = 0;
    return 0;
  }
  *addresses_cursor = has_cup();
  TERMINAL *probe = set_curterm(saved);
  if (probe != NULL && probe != saved) del_curterm(probe);
  return 1;
}

int nc_current_addresses_cursor(void) { return has_cup(); }

FILE *nc_fdopen(int fd, const char *mode) { return fdopen(fd, mode); }

// --- crash guard -----------------------------------------------------------------------------

static const int crash_signals[] = {SIGSEGV, SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGABRT};
enum { crash_signal_count = sizeof crash_signals / sizeof crash_signals[0] };
static struct sigaction previous_crash_actions[crash_signal_count];
static volatile sig_atomic_t crash_guard_installed = 0;

static void crash_handler(int signal_number) {
  // endwin is not async-signal-safe, but the process is dying anyway and a terminal left in the
  // alternate screen with echo off is worse than the small risk.
  endwin();
  for (int i = 0; i < crash_signal_count; i++) {
    if (crash_signals[i] == signal_number) {
      sigaction(signal_number, &previous_crash_actions[i], NULL);
      break;
    }
  }
  raise(signal_number);
}

void nc_install_crash_guard(void) {
  if (crash_guard_installed) return;
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = crash_handler;
  sigemptyset(&action.sa_mask);
  // SA_NODEFER lets the re-raise inside the handler reach the previous handler at once.
  action.sa_flags = SA_NODEFER;
  for (int i = 0; i < crash_signal_count; i++) {
    sigaction(crash_signals[i], &action, &previous_crash_actions[i]);
  }
  crash_guard_installed = 1;
}

void nc_remove_crash_guard(void) {
  if (!crash_guard_installed) return;
  for (int i = 0; i < crash_signal_count; i++) {
    sigaction(crash_signals[i], &previous_crash_actions[i], NULL);
  }
  crash_guard_installed = 0;
}

// --- stop signals ----------------------------------------------------------------------------

// SIGQUIT too: left to its default (or to Swift's backtracer), it printed a crash report over the
// dashboard and left the screen corrupted; it ends the dashboard in order like the others.
static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
enum { stop_signal_count = sizeof stop_signals / sizeof stop_signals[0] };
static struct sigaction previous_stop_actions[stop_signal_count];
static int stop_signals_ignored = 0;

void nc_ignore_stop_signals(void) {
  if (stop_signals_ignored) return;
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = SIG_IGN;
  sigemptyset(&action.sa_mask);
  for (int i = 0; i < stop_signal_count; i++) {
    sigaction(stop_signals[i], &action, &previous_stop_actions[i]);
  }
  stop_signals_ignored = 1;
}

static atomic_int pending_stop_signal = 0;

static void stop_handler(int signal_number) { atomic_store(&pending_stop_signal, signal_number); }

void nc_catch_stop_signals(void) {
  if (!stop_signals_ignored) return;
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = stop_handler;
  sigemptyset(&action.sa_mask);
  // No SA_RESTART: the wait inside wget_wch returns at once, so the loop sees the signal now,
  // not when its timeout ends.
  action.sa_flags = 0;
  for (int i = 0; i < stop_signal_count; i++) sigaction(stop_signals[i], &action, NULL);
}

int nc_take_stop_signal(void) { return atomic_exchange(&pending_stop_signal, 0); }

void nc_restore_stop_signals(void) {
  if (!stop_signals_ignored) return;
  for (int i = 0; i < stop_signal_count; i++) {
    sigaction(stop_signals[i], &previous_stop_actions[i], NULL);
  }
  stop_signals_ignored = 0;
}
