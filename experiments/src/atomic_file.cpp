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

std::string atomic_temp_target(const std::string& file_name) {
  const auto marker = file_name.rfind(".tmp-");
  if (marker == std::string::npos || marker == 0) return "";
  // After the marker: digits, '-', digits, and nothing else.
  const std::string tail = file_name.substr(marker + 5);
  const auto dash = tail.find('-');
  auto digits = [](const std::string& text) {
    return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
  };
  if (dash == std::string::npos || !digits(tail.substr(0, dash)) ||
      !digits(tail.substr(dash + 1))) {
    return "";
  }
  return file_name.substr(0, marker);
}

}  // namespace nhb2
