#include "CStandardStreams.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

static int closed_at_start = 0;

// Runs before main and before the Swift runtime and libdispatch open their own descriptors (an
// eventfd took descriptor 1 when stdout was closed, and stdout's text was written into it).
__attribute__((constructor)) static void reserve_standard_descriptors(void) {
  for (int descriptor = 0; descriptor <= 2; descriptor++) {
    if (fcntl(descriptor, F_GETFD) != -1 || errno != EBADF) continue;
    closed_at_start |= 1 << descriptor;
    int opened = open("/dev/null", O_RDONLY);
    if (opened >= 0 && opened != descriptor) {
      dup2(opened, descriptor);
      close(opened);
    }
  }
}

int lanes_closed_standard_descriptors(void) { return closed_at_start; }
