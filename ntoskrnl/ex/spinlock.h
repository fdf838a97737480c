// A test-and-test-and-set spin lock for the pool's rare slow paths (page and big-block
// bookkeeping). The module cannot use std::mutex (MinGW's win32 thread model has none) and must
// not block in a way an emulated DISPATCH_LEVEL caller could not.
#pragma once

#include <atomic>

#include "platform/platform.h"

namespace ex {

class SpinLock {
public:
    void lock() {
        for (int spins = 0;; ++spins) {
            if (!locked_.exchange(true, std::memory_order_acquire)) return;
            while (locked_.load(std::memory_order_relaxed)) {
                if (++spins > 64) platform::yield_thread();
            }
        }
    }
    void unlock() { locked_.store(false, std::memory_order_release); }

private:
    std::atomic<bool> locked_{false};
};

class SpinLockGuard {
public:
    explicit SpinLockGuard(SpinLock& lock) : lock_(lock) { lock_.lock(); }
    ~SpinLockGuard() { lock_.unlock(); }
    SpinLockGuard(const SpinLockGuard&) = delete;
    SpinLockGuard& operator=(const SpinLockGuard&) = delete;

private:
    SpinLock& lock_;
};

}  // namespace ex
