#include "adapters/graphviz/forked_call.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace pteron {

namespace {

constexpr int kPollMilliseconds = 10;
constexpr char kAnswer = 'A';
constexpr char kFailure = 'F';

std::runtime_error systemError(const std::string& what) {
    return std::runtime_error(what + ": " + std::strerror(errno));
}

bool raised(const std::atomic<bool>* cancel) {
    return cancel && cancel->load(std::memory_order_relaxed);
}

bool writeAll(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        const auto written = ::write(fd, data, size);
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) return false;
        data += written;
        size -= static_cast<std::size_t>(written);
    }
    return true;
}

[[noreturn]] void runChild(int fd, const std::function<std::string()>& work) {
    std::string message;
    try {
        message = kAnswer + work();
    } catch (const std::exception& error) {
        message = kFailure + std::string(error.what());
    } catch (...) {
        message = kFailure + std::string("unknown failure");
    }
    // _exit: the parent's atexit handlers and stdio buffers are not the child's to run.
    ::_exit(writeAll(fd, message.data(), message.size()) ? 0 : 1);
}

// Reads until end of file; nullopt once `cancel` is raised.
std::optional<std::string> readUntilClosed(int fd, const std::atomic<bool>* cancel) {
    std::string bytes;
    std::array<char, 1 << 16> chunk{};
    for (;;) {
        if (raised(cancel)) return std::nullopt;
        pollfd ready{fd, POLLIN, 0};
        const int events = ::poll(&ready, 1, kPollMilliseconds);
        if (events < 0 && errno == EINTR) continue;
        if (events < 0) throw systemError("poll on the layout process");
        if (events == 0) continue;
        const auto count = ::read(fd, chunk.data(), chunk.size());
        if (count < 0 && errno == EINTR) continue;
        if (count < 0) throw systemError("read from the layout process");
        if (count == 0) return bytes;
        bytes.append(chunk.data(), static_cast<std::size_t>(count));
    }
}

std::string endText(int status) {
    if (WIFSIGNALED(status)) return "was killed by signal " + std::to_string(WTERMSIG(status));
    return "exited with status " + std::to_string(WEXITSTATUS(status));
}

ChildHandles forkChild(const std::function<std::string()>& work) {
    std::array<int, 2> fds{};
    // Close-on-exec keeps other programs the process starts from holding the pipe open.
    if (::pipe2(fds.data(), O_CLOEXEC) != 0) throw systemError("pipe for the layout process");
    const pid_t pid = ::fork();
    if (pid < 0) {
        const auto error = systemError("fork of the layout process");
        ::close(fds[0]);
        ::close(fds[1]);
        throw error;
    }
    if (pid == 0) {
        ::close(fds[0]);
        runChild(fds[1], work);
    }
    ::close(fds[1]); // so the parent's read sees end of file once the child is done
    return ChildHandles(fds[0], pid);
}

} // namespace

ChildHandles::ChildHandles(ChildHandles&& other) noexcept
    : readFd_(std::exchange(other.readFd_, -1)), pid_(std::exchange(other.pid_, -1)) {}

ChildHandles& ChildHandles::operator=(ChildHandles&& other) noexcept {
    std::swap(readFd_, other.readFd_);
    std::swap(pid_, other.pid_);
    return *this;
}

ChildHandles::~ChildHandles() {
    if (readFd_ >= 0) ::close(readFd_);
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    reap();
}

int ChildHandles::reap() {
    int status = 0;
    while (pid_ > 0 && ::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return status;
}

ForkedCall::ForkedCall(const std::function<std::string()>& work) : child_(forkChild(work)) {}

std::optional<std::string> ForkedCall::result(const std::atomic<bool>* cancel) {
    auto bytes = readUntilClosed(child_.readFd(), cancel);
    if (!bytes) return std::nullopt; // the destructor kills and reaps the child
    const int status = child_.reap();
    if (bytes->empty() || WIFSIGNALED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error("the layout process " + endText(status) + " without an answer");
    if (bytes->front() == kFailure) throw std::runtime_error(bytes->substr(1));
    return bytes->substr(1);
}

} // namespace pteron
