#include <nhb2/experiments/atomic_file.hpp>

#include <nhb2/core/error.hpp>

#include <fcntl.h>
#include <unistd.h>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace nhb2 {

namespace {

std::atomic<unsigned long> temp_counter{0};

std::string os_reason() {
  return std::strerror(errno);
}

}  // namespace

std::string atomic_temp_name(const std::string& path) {
  return path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(temp_counter++);
}

void commit_atomic(const std::string& temp, const std::string& path) {
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    const std::string reason = os_reason();
    std::remove(temp.c_str());
    throw Error("cannot write " + path + ": " + reason);
  }
}

void write_file_atomic(const std::string& path, std::string_view contents) {
  const std::string temp = atomic_temp_name(path);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw Error("cannot write " + path + ": " + os_reason());
  const char* data = contents.data();
  std::size_t left = contents.size();
  while (left > 0) {
    const ssize_t written = ::write(fd, data, left);
    if (written < 0) {
      if (errno == EINTR) continue;  // a signal (Ctrl-C) must not corrupt a write
      const std::string reason = os_reason();
      ::close(fd);
      std::remove(temp.c_str());
      throw Error("cannot write " + path + ": " + reason);
    }
    data += written;
    left -= static_cast<std::size_t>(written);
  }
  if (::close(fd) != 0) {
    const std::string reason = os_reason();
    std::remove(temp.c_str());
    throw Error("cannot write " + path + ": " + reason);
  }
  commit_atomic(temp, path);
}

void write_file_atomic(const std::string& path, const std::function<bool(std::FILE*)>& write) {
  const std::string temp = atomic_temp_name(path);
  std::FILE* file = std::fopen(temp.c_str(), "wb");
  if (!file) throw Error("cannot write " + path + ": " + os_reason());
  errno = 0;
  const bool written = write(file);
  const int saved_errno = errno;
  if (std::fclose(file) != 0 || !written) {
    errno = saved_errno ? saved_errno : errno;
    const std::string reason = os_reason();
    std::remove(temp.c_str());
    throw Error("cannot write " + path + ": " + reason);
  }
  commit_atomic(temp, path);
}

bool is_atomic_temp_name(const std::string& file_name) {
  return file_name.find(".tmp-") != std::string::npos;
}

}  // namespace nhb2
