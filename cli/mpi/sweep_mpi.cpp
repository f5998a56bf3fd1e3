#include "sweep_mpi.hpp"

#include <nhb2/core/error.hpp>

#include <mpi.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace nhb2::cli {

namespace {

// A task and its answer carry the slot (0 .. kSlotsPerWorker-1) of the rank-0 thread that sent
// it, so that each thread receives its own answer.
enum Tag : int { kStopTag = 1, kTaskTag = 10, kResultTag = 20, kFailureTag = 30 };

// Waits for a message from `source` with `tag` (or MPI_ANY_TAG) without spinning on a core:
// worker ranks and rank 0 share the machine's cores.
MPI_Status wait_for_message(int source, int tag);

// Rank 0 calls MPI from one thread per worker rank, one call at a time.
std::mutex mpi_mutex;

// Whether an MPI launcher (mpirun, or srun with PMI/PMIx) started this process as one of
// several ranks; a plain `nhb2 sweep` never initializes MPI.
bool launched_as_rank() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}) {
    if (const char* value = std::getenv(name); value && *value) return std::atoi(value) > 1;
  }
  const char* pmix = std::getenv("PMIX_RANK");
  return pmix && *pmix;
}

void check(int code, const char* what) {
  if (code != MPI_SUCCESS) throw Error(std::string("MPI: ") + what + " failed");
}

// Between polls: spin for the first 200 microseconds (an answer usually comes sooner), then sleep
// 50 microseconds per poll so that a long wait leaves the core to the computing ranks.
class Backoff {
 public:
  void pause() {
    if (std::chrono::steady_clock::now() - start_ < std::chrono::microseconds(200)) return;
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

MPI_Status wait_for_message(int source, int tag) {
  MPI_Status status;
  Backoff backoff;
  while (true) {
    int arrived = 0;
    {
      std::lock_guard<std::mutex> lock(mpi_mutex);
      check(MPI_Iprobe(source, tag, MPI_COMM_WORLD, &arrived, &status), "MPI_Iprobe");
    }
    if (arrived) return status;
    backoff.pause();
  }
}

}  // namespace

MpiSweep::MpiSweep() {
  if (!launched_as_rank()) return;
  int provided = 0;
  check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided), "MPI_Init_thread");
  if (provided < MPI_THREAD_SERIALIZED) {
    MPI_Finalize();
    throw Error(
        "MPI: this MPI library cannot be called from several threads, one at a time "
        "(MPI_THREAD_SERIALIZED)");
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  if (size_ <= 1) {
    MPI_Finalize();
    size_ = 1;
  }
}

MpiSweep::~MpiSweep() {
  if (!active()) return;
  if (rank_ == 0) stop_workers();
  MPI_Finalize();
}

void MpiSweep::stop_workers() {
  if (stopped_ || rank_ != 0) return;
  stopped_ = true;
  std::lock_guard<std::mutex> lock(mpi_mutex);
  for (int r = 1; r < size_; ++r) {
    MPI_Send(nullptr, 0, MPI_BYTE, r, kStopTag, MPI_COMM_WORLD);
  }
}

RunRecord MpiSweep::run_remote(std::size_t job, int thread, const std::vector<int>& report_epochs) {
  const int worker = thread / kSlotsPerWorker + 1;
  const int slot = thread % kSlotsPerWorker;
  const std::uint64_t task = job;
  {
    std::lock_guard<std::mutex> lock(mpi_mutex);
    check(MPI_Send(&task, 1, MPI_UINT64_T, worker, kTaskTag + slot, MPI_COMM_WORLD), "MPI_Send");
  }
  // The answer: a result or a failure for this slot.
  MPI_Status status;
  Backoff backoff;
  while (true) {
    int arrived = 0;
    for (int tag : {kResultTag + slot, kFailureTag + slot}) {
      std::lock_guard<std::mutex> lock(mpi_mutex);
      check(MPI_Iprobe(worker, tag, MPI_COMM_WORLD, &arrived, &status), "MPI_Iprobe");
      if (arrived) break;
    }
    if (arrived) break;
    backoff.pause();
  }
  int count = 0;
  MPI_Get_count(&status, MPI_CHAR, &count);
  std::string text(static_cast<std::size_t>(count), '\0');
  {
    std::lock_guard<std::mutex> lock(mpi_mutex);
    check(MPI_Recv(text.data(), count, MPI_CHAR, worker, status.MPI_TAG, MPI_COMM_WORLD,
                   MPI_STATUS_IGNORE),
          "MPI_Recv");
  }
  if (status.MPI_TAG == kFailureTag + slot) throw Error(text);
  try {
    return parse_checkpoint(text, report_epochs);
  } catch (const Error& e) {
    throw Error("MPI rank " + std::to_string(worker) + " sent a damaged run record: " + e.what());
  }
}

void MpiSweep::serve(const std::function<std::string(std::size_t job)>& compute) {
  while (true) {
    const MPI_Status probed = wait_for_message(0, MPI_ANY_TAG);
    MPI_Status status;
    std::uint64_t task = 0;
    check(MPI_Recv(&task, 1, MPI_UINT64_T, 0, probed.MPI_TAG, MPI_COMM_WORLD, &status), "MPI_Recv");
    if (status.MPI_TAG == kStopTag) return;
    const int slot = status.MPI_TAG - kTaskTag;
    std::string reply;
    int tag = kResultTag + slot;
    try {
      reply = compute(static_cast<std::size_t>(task));
    } catch (const std::exception& e) {
      reply = std::string("MPI rank ") + std::to_string(rank_) + ": " + e.what();
      tag = kFailureTag + slot;
    }
    check(MPI_Send(reply.data(), static_cast<int>(reply.size()), MPI_CHAR, 0, tag, MPI_COMM_WORLD),
          "MPI_Send");
  }
}

}  // namespace nhb2::cli
