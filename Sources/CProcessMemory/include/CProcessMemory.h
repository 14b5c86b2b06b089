#ifndef C_PROCESS_MEMORY_H
#define C_PROCESS_MEMORY_H

#include <stddef.h>

/// Bytes the allocator has handed out and not yet had back, over all arenas (glibc's mallinfo2:
/// in-use chunks plus mmapped blocks). 0 where mallinfo2 is missing.
size_t lanes_heap_bytes_in_use(void);

#endif
