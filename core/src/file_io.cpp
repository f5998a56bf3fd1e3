#include <nhb2/core/file_io.hpp>

#include <nhb2/core/error.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <utility>

namespace nhb2 {

namespace {

std::atomic<unsigned long> temp_counter{0};

[[noreturn]] void write_failure(const std::string& path, const std::string& what,
                                int error_number) {
  throw DataError(path + ": cannot write: " + what + ": " + std::strerror(error_number));
}

}  // namespace

std::string read_file(const std::string& path) {
  const auto failure = [&](int error_number) {
    return DataError(path + ": cannot read: " + std::strerror(error_number));
  };
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw failure(errno);
  struct stat status {};
  if (::fstat(fd, &status) == 0 && S_ISDIR(status.st_mode)) {
    ::close(fd);
    throw failure(EISDIR);
  }
  std::string contents;
  if (S_ISREG(status.st_mode) && status.st_size > 0) {
    contents.reserve(static_cast<std::size_t>(status.st_size));
  }
  char buffer[1 << 16];
  for (;;) {
    const ::ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      const int error_number = errno;
      ::close(fd);
      throw failure(error_number);
    }
    if (got == 0) break;
    contents.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(fd);
  return contents;
}

std::string atomic_temp_name(const std::string& path) {
  return path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(temp_counter++);
}

std::string atomic_temp_target(const std::string& file_name) {
  const auto marker = file_name.rfind(".tmp-");
  if (marker == std::string::npos || marker == 0) return "";
  // After the marker: digits, '-', digits, and nothing else.
  const std::string tail = file_name.substr(marker + 5);
  const auto dash = tail.find('-');
  const auto digits = [](const std::string& text) {
    return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
  };
  if (dash == std::string::npos || !digits(tail.substr(0, dash)) ||
      !digits(tail.substr(dash + 1))) {
    return "";
  }
  return file_name.substr(0, marker);
}

void commit_atomic(const std::string& temp, const std::string& path) {
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    const int error_number = errno;
    std::remove(temp.c_str());
    write_failure(path, "renaming " + temp + " to " + path, error_number);
  }
}

AtomicFile::AtomicFile(std::string path)
    : path_(std::move(path)), temp_path_(atomic_temp_name(path_)) {
  fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd_ < 0) write_failure(path_, "cannot create " + temp_path_, errno);
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temp_path_.c_str());
}

void AtomicFile::fail(const std::string& what, int error_number) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  write_failure(path_, what + " " + temp_path_, error_number);
}

void AtomicFile::write(const void* data, std::size_t size) {
  const auto* bytes = static_cast<const char*>(data);
  while (size > 0) {
    const ::ssize_t wrote = ::write(fd_, bytes, size);
    if (wrote < 0 && errno == EINTR) continue;  // a signal (Ctrl-C) must not corrupt a write
    if (wrote < 0) fail("writing", errno);
    bytes += wrote;
    size -= static_cast<std::size_t>(wrote);
  }
}

void AtomicFile::commit() {
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) write_failure(path_, "closing " + temp_path_, errno);
  commit_atomic(temp_path_, path_);
  committed_ = true;
}

void write_file_atomic(const std::string& path, std::string_view contents) {
  AtomicFile file(path);
  file.write(contents);
  file.commit();
}

void write_file_atomic(const std::string& path, const std::function<bool(std::FILE*)>& write) {
  const std::string temp = atomic_temp_name(path);
  std::FILE* file = std::fopen(temp.c_str(), "wbxe");  // x: O_EXCL, e: O_CLOEXEC (glibc)
  if (!file) write_failure(path, "cannot create " + temp, errno);
  errno = 0;
  bool written = false;
  try {
    written = write(file);
  } catch (...) {
    std::fclose(file);
    std::remove(temp.c_str());
    throw;
  }
  const int write_errno = errno;
  const bool closed = std::fclose(file) == 0;
  const int close_errno = errno;
  if (!written || !closed) {
    std::remove(temp.c_str());
    const int reason = !written && write_errno != 0 ? write_errno : close_errno;
    write_failure(path, "writing " + temp, reason != 0 ? reason : EIO);
  }
  commit_atomic(temp, path);
}

}  // namespace nhb2
