// A fixed set of worker threads that splits index ranges; each index is computed by exactly one
// thread, so results never depend on the thread count.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace pteron::runtime {

class ThreadPool {
  public:
    explicit ThreadPool(unsigned threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    unsigned threads() const { return static_cast<unsigned>(workers_.size()) + 1; }
    // Calls body(begin, end) on disjoint ranges covering [0, count); returns when all are done.
    // An exception thrown by a range is rethrown here.
    void parallelFor(std::int64_t count,
                     const std::function<void(std::int64_t, std::int64_t)>& body);

  private:
    void work(unsigned index);
    void runChunk(unsigned chunk);

    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable done_;
    const std::function<void(std::int64_t, std::int64_t)>* body_ = nullptr;
    std::int64_t count_ = 0;
    std::uint64_t generation_ = 0;
    unsigned pending_ = 0;
    bool stopping_ = false;
    std::exception_ptr error_;
};

} // namespace pteron::runtime
