#ifndef C_STANDARD_STREAMS_H
#define C_STANDARD_STREAMS_H

/// Which of descriptors 0, 1 and 2 were closed when the process started (bit n for descriptor n).
/// Each of them was reopened read-only on /dev/null before anything else ran, so that no file the
/// runtime opens takes its number (and writes to it fail with EBADF instead of landing elsewhere).
int lanes_closed_standard_descriptors(void);

#endif
