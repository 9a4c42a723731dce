#include "runtime/thread_pool.hpp"

#include <algorithm>
#include <exception>
#include <utility>

namespace pteron::runtime {

ThreadPool::ThreadPool(unsigned threads) {
    for (unsigned i = 1; i < std::max(1u, threads); ++i)
        workers_.emplace_back([this, i] { work(i); });
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto& worker : workers_)
        worker.join();
}

void ThreadPool::runChunk(unsigned chunk) {
    const auto chunks = static_cast<std::int64_t>(threads());
    const auto begin = count_ * chunk / chunks;
    const auto end = count_ * (chunk + 1) / chunks;
    if (begin >= end) return;
    try {
        (*body_)(begin, end);
    } catch (...) {
        std::lock_guard lock(mutex_);
        if (!error_) error_ = std::current_exception();
    }
}

void ThreadPool::parallelFor(std::int64_t count,
                             const std::function<void(std::int64_t, std::int64_t)>& body) {
    if (count <= 0) return;
    if (workers_.empty() || count == 1) {
        body(0, count);
        return;
    }
    {
        std::lock_guard lock(mutex_);
        body_ = &body;
        count_ = count;
        pending_ = static_cast<unsigned>(workers_.size());
        error_ = nullptr;
        ++generation_;
    }
    wake_.notify_all();
    runChunk(0);
    std::unique_lock lock(mutex_);
    done_.wait(lock, [this] { return pending_ == 0; });
    body_ = nullptr;
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
}

void ThreadPool::work(unsigned index) {
    std::uint64_t seen = 0;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
            if (stopping_) return;
            seen = generation_;
        }
        runChunk(index);
        {
            std::lock_guard lock(mutex_);
            --pending_;
        }
        done_.notify_one();
    }
}

} // namespace pteron::runtime
