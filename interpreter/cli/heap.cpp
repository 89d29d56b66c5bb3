// interpreter/cli/heap.cpp — the heap of a command-line process, backed by a huge page.
// Reading the standard set's program touches about a megabyte of new heap (its nodes, rules
// and tables): some 270 page faults of 4 KiB, which on the project's virtual machine cost more
// than all the instructions of a case (docs/performance.md, "One huge page for the heap").
// So before anything is loaded, glibc's heap is made to grow from a 2 MiB boundary, and the
// first 2 MiB there are made one transparent huge page. Where a step is not available
// (another C library, a sanitizer's allocator, a kernel without MADV_COLLAPSE, huge pages
// disabled) the heap stays as it was: this changes speed, never behaviour.
#include "commands.hpp"

#if defined(__linux__) && defined(__GLIBC__)
#include <cstdint>
#include <cstdlib>
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>
#define CPL_HUGE_HEAP 1
#endif

namespace cpl::cli {

void prepare_heap() {
#if defined(CPL_HUGE_HEAP) && defined(MADV_HUGEPAGE)
    constexpr std::uintptr_t huge = std::uintptr_t{2} << 20;
    constexpr int madv_collapse = 25; // Linux 6.1; glibc 2.36's headers do not name it
    // The heap keeps 4 MiB spare when it grows and when it is trimmed, so the huge range below
    // stays part of it.
    if (mallopt(M_TOP_PAD, static_cast<int>(2 * huge)) != 1) return;
    // What is left of glibc's first piece of heap (its top chunk). A block larger than that
    // makes glibc grow the heap; one above the mmap threshold (128 KiB) would be mapped apart.
    std::size_t left = mallinfo2().keepcost;
    if (left + 64 >= (128 << 10)) return;
    const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
    auto brk_now = reinterpret_cast<std::uintptr_t>(sbrk(0));
    if (brk_now == static_cast<std::uintptr_t>(-1)) return;
    std::uintptr_t boundary = (brk_now + page + huge - 1) & ~(huge - 1);
    // The gap up to a page below the boundary is taken by the break and never touched: glibc
    // sees a foreign break and starts its next piece of heap there, its first header in that
    // page. The block that makes it grow writes one more header inside the huge range.
    if (sbrk(static_cast<std::intptr_t>(boundary - page - brk_now)) == reinterpret_cast<void*>(-1))
        return;
    void* grow = std::malloc(left + 64);
    if (!grow) return;
    auto end = reinterpret_cast<std::uintptr_t>(sbrk(0)) & ~(huge - 1);
    if (end >= boundary + huge) {
        // Later faults in the range take huge pages; the first 2 MiB, where that header already
        // is, are made one now (a page of it mapped keeps a fault from doing so).
        madvise(reinterpret_cast<void*>(boundary), end - boundary, MADV_HUGEPAGE);
        madvise(reinterpret_cast<void*>(boundary), huge, madv_collapse);
    }
    std::free(grow);
#endif
}

} // namespace cpl::cli
