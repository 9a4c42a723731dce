// Runs a computation in a forked child process so the caller can abandon it at any moment.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>

namespace pteron {

// Descriptor and process id of a running child; closed, killed and reaped on destruction.
class ChildHandles {
  public:
    ChildHandles(int readFd, int pid) : readFd_(readFd), pid_(pid) {}
    ChildHandles(ChildHandles&& other) noexcept;
    ChildHandles& operator=(ChildHandles&& other) noexcept;
    ChildHandles(const ChildHandles&) = delete;
    ChildHandles& operator=(const ChildHandles&) = delete;
    ~ChildHandles();

    int readFd() const { return readFd_; }
    // Waits for the child to end; returns the raw wait status.
    int reap();

  private:
    int readFd_ = -1;
    int pid_ = -1;
};

// A computation running in a forked child process, which the caller can abandon at any moment.
//
// The child is a copy of a possibly multi-threaded process in which only the forking thread
// exists, so construct it while holding whatever lock guards the state `work` uses (the lock may
// be released once the constructor returns: the child has its own copy). `work` may allocate
// (glibc keeps malloc usable across fork) and must not use threads.
class ForkedCall {
  public:
    // Forks and runs `work` in the child; throws std::runtime_error when that is impossible.
    explicit ForkedCall(const std::function<std::string()>& work);

    // The bytes `work` returned. Polls `cancel` (may be null) every few milliseconds while
    // waiting; once raised, kills the child and returns nullopt. Throws std::runtime_error with
    // the message of an exception `work` threw, or when the child died without an answer (a
    // crash inside `work` stays in the child). Call once.
    std::optional<std::string> result(const std::atomic<bool>* cancel);

  private:
    ChildHandles child_;
};

} // namespace pteron
