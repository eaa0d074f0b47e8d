#if canImport(Glibc)
import Glibc
#endif

/// Nanoseconds on `clock`: wall time (`CLOCK_MONOTONIC`), this process's CPU, or the calling thread's CPU.
func clockNs(_ clock: clockid_t) -> UInt64 {
    var time = timespec()
    clock_gettime(clock, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

func nowNs() -> UInt64 { clockNs(CLOCK_MONOTONIC) }
func processCPUNs() -> UInt64 { clockNs(CLOCK_PROCESS_CPUTIME_ID) }
