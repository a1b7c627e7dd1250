// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ml/distributed.h"

#include <torch/torch.h>

// CMake defines SATGPT_HAVE_C10D_GLOO (and SATGPT_HAVE_C10D_NCCL) for this file only when the
// libtorch it builds against ships the c10d headers, the gloo headers and the symbols; the
// ProcessGroupGloo header is empty unless USE_C10D_GLOO is set.
#ifdef SATGPT_HAVE_C10D_GLOO
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif
#ifdef SATGPT_HAVE_C10D_NCCL
#ifndef USE_C10D_NCCL
#define USE_C10D_NCCL
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <chrono>
#include <cstdlib>
#include <map>

namespace satgpt::ml {

namespace {

Result<int> envInt(const char *name, int fallback)
{
    const char *v = std::getenv(name);
    if (!v || !*v)
        return fallback;
    char *end = nullptr;
    const long value = std::strtol(v, &end, 10);
    if (!end || *end != '\0')
        return makeError(std::string("the environment variable ") + name + " is not an integer: '" + v + "'");
    return int(value);
}

} // namespace

Result<DistributedConfig> DistributedConfig::fromEnvironment()
{
    DistributedConfig c;
    for (auto [name, field] : {std::pair<const char *, int *>{"RANK", &c.rank}, {"WORLD_SIZE", &c.worldSize},
                               {"LOCAL_RANK", &c.localRank}, {"MASTER_PORT", &c.masterPort}}) {
        auto v = envInt(name, *field);
        if (!v)
            return v.error();
        *field = v.value();
    }
    if (const char *addr = std::getenv("MASTER_ADDR"); addr && *addr)
        c.masterAddr = addr;
    return c;
}

Status DistributedConfig::validate() const
{
    if (worldSize < 1)
        return makeError("the world size must be at least 1 (got " + std::to_string(worldSize) + ")");
    if (rank < 0 || rank >= worldSize)
        return makeError("the rank must lie in [0, " + std::to_string(worldSize) + ") (got " + std::to_string(rank) + ")");
    if (masterPort < 1 || masterPort > 65535)
        return makeError("the master port must lie in [1, 65535] (got " + std::to_string(masterPort) + ")");
    if (isDistributed() && masterAddr.empty())
        return makeError("no master address for a distributed run (MASTER_ADDR or --master-addr)");
    if (backend != "auto" && backend != "gloo" && backend != "nccl")
        return makeError("unknown distributed backend '" + backend + "' (auto, gloo, nccl)");
    return {};
}

std::vector<std::string> distributedBackends()
{
    std::vector<std::string> out;
#ifdef SATGPT_HAVE_C10D_GLOO
    out.push_back("gloo");
#endif
#ifdef SATGPT_HAVE_C10D_NCCL
    out.push_back("nccl");
#endif
    return out;
}

struct DataParallelGroup::Impl
{
    DistributedConfig config;
    std::string backend;
#ifdef SATGPT_HAVE_C10D_GLOO
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> gloo;
#endif
#ifdef SATGPT_HAVE_C10D_NCCL
    c10::intrusive_ptr<c10d::ProcessGroupNCCL> nccl;
#endif

#ifdef SATGPT_HAVE_C10D_GLOO
    // The two groups are separate classes (ProcessGroup in libtorch 1.x, Backend in 2.x) with
    // the same collective signatures, so the calls are spelled once through a generic lambda.
    template<typename F>
    void withGroup(F &&f)
    {
#ifdef SATGPT_HAVE_C10D_NCCL
        if (nccl) {
            f(*nccl);
            return;
        }
#endif
        f(*gloo);
    }

    void allReduce(const at::Tensor &t, c10d::ReduceOp op)
    {
        // One tensor per call: several tensors in one c10d call mean "one per local device" and
        // would be summed into each other.
        std::vector<at::Tensor> one{t};
        c10d::AllreduceOptions opts;
        opts.reduceOp = op;
        withGroup([&](auto &pg) { pg.allreduce(one, opts)->wait(); });
    }
#endif
};

DataParallelGroup::DataParallelGroup() : d(std::make_unique<Impl>()) {}
DataParallelGroup::~DataParallelGroup() = default;

int DataParallelGroup::rank() const { return d->config.rank; }
int DataParallelGroup::worldSize() const { return d->config.worldSize; }
std::string DataParallelGroup::backend() const { return d->backend; }

Result<std::unique_ptr<DataParallelGroup>> DataParallelGroup::connect(const DistributedConfig &config, bool cuda)
{
    if (auto st = config.validate(); !st)
        return st.error();
#ifndef SATGPT_HAVE_C10D_GLOO
    (void)cuda;
    return makeError("this build has no distributed training: the libtorch it was built against lacks the c10d/Gloo "
                     "headers (on Debian: install libgloo-dev and rebuild)");
#else
    std::string backend = config.backend;
    if (backend == "auto")
        backend = cuda ? "nccl" : "gloo";
#ifndef SATGPT_HAVE_C10D_NCCL
    if (backend == "nccl") {
        if (config.backend == "nccl" || !cuda)
            return makeError("this build has no NCCL process group (libtorch without CUDA/NCCL); use --device cpu "
                             "or the gloo backend");
        // CUDA tensors over Gloo: slower than NCCL but correct.
        backend = "gloo";
    }
#endif
    std::unique_ptr<DataParallelGroup> group(new DataParallelGroup());
    group->d->config = config;
    group->d->backend = backend;
    const auto timeout = std::chrono::milliseconds(int64_t(config.timeoutSeconds) * 1000);
    try {
        c10d::TCPStoreOptions so;
        so.port = uint16_t(config.masterPort);
        so.isServer = config.rank == 0;
        so.numWorkers = size_t(config.worldSize);
        so.waitWorkers = true;
        so.timeout = timeout;
        group->d->store = c10::make_intrusive<c10d::TCPStore>(config.masterAddr, so);
#ifdef SATGPT_HAVE_C10D_NCCL
        if (backend == "nccl") {
            auto opts = c10d::ProcessGroupNCCL::Options::create();
            opts->timeout = timeout;
            group->d->nccl = c10::make_intrusive<c10d::ProcessGroupNCCL>(group->d->store, config.rank, config.worldSize, opts);
            return group;
        }
#endif
        auto opts = c10d::ProcessGroupGloo::Options::create(timeout);
        // GLOO_SOCKET_IFNAME picks the interface as in PyTorch; a loopback master means a
        // single-machine job, where the hostname may not resolve to a reachable address.
        if (const char *ifname = std::getenv("GLOO_SOCKET_IFNAME"); ifname && *ifname)
            opts->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
        else if (config.masterAddr == "localhost" || config.masterAddr.rfind("127.", 0) == 0)
            opts->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
        else
            opts->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
        group->d->gloo = c10::make_intrusive<c10d::ProcessGroupGloo>(group->d->store, config.rank, config.worldSize, opts);
    } catch (const c10::Error &e) {
        return makeError("cannot join the process group at " + config.masterAddr + ":" + std::to_string(config.masterPort),
                         {}, e.what_without_backtrace());
    } catch (const std::exception &e) {
        return makeError("cannot join the process group at " + config.masterAddr + ":" + std::to_string(config.masterPort),
                         {}, e.what());
    }
    return group;
#endif
}

namespace {

template<typename F>
Status guarded(const char *what, F &&f)
{
    try {
        f();
    } catch (const c10::Error &e) {
        return makeError(std::string("distributed ") + what + " failed", {}, e.what_without_backtrace());
    } catch (const std::exception &e) {
        return makeError(std::string("distributed ") + what + " failed", {}, e.what());
    }
    return {};
}

} // namespace

Status DataParallelGroup::allReduceSum(const std::vector<at::Tensor> &tensors)
{
#ifdef SATGPT_HAVE_C10D_GLOO
    return guarded("all-reduce", [&] {
        for (const auto &t : tensors)
            d->allReduce(t, c10d::ReduceOp::SUM);
    });
#else
    (void)tensors;
    return makeError("no process group");
#endif
}

Status DataParallelGroup::allReduceMax(const at::Tensor &tensor)
{
#ifdef SATGPT_HAVE_C10D_GLOO
    return guarded("all-reduce", [&] { d->allReduce(tensor, c10d::ReduceOp::MAX); });
#else
    (void)tensor;
    return makeError("no process group");
#endif
}

Status DataParallelGroup::allReduceGradients(const std::vector<at::Tensor> &parameters)
{
#ifdef SATGPT_HAVE_C10D_GLOO
    return guarded("gradient all-reduce", [&] {
        torch::NoGradGuard noGrad;
        if (parameters.empty())
            return;
        // A parameter that no rank gave a gradient (a head the loss does not use) must stay
        // without one, as in a single process: AdamW skips it instead of decaying it.
        auto defined = torch::zeros({int64_t(parameters.size())}, torch::kFloat32);
        for (size_t i = 0; i < parameters.size(); ++i)
            if (parameters[i].grad().defined())
                defined[int64_t(i)] = 1.0f;
        defined = defined.to(parameters.front().device());
        d->allReduce(defined, c10d::ReduceOp::MAX);
        defined = defined.cpu();
        const float *anyRank = defined.data_ptr<float>();
        // Bucket by (device, dtype); the order is the parameter order, identical on every rank.
        std::map<std::pair<std::string, int>, std::vector<size_t>> buckets;
        for (size_t i = 0; i < parameters.size(); ++i) {
            const auto &p = parameters[i];
            if (anyRank[i] > 0)
                buckets[{p.device().str(), int(p.scalar_type())}].push_back(i);
        }
        for (const auto &b : buckets) {
            std::vector<at::Tensor> flat;
            flat.reserve(b.second.size());
            for (size_t i : b.second) {
                const auto &p = parameters[i];
                const auto g = p.grad();
                flat.push_back(g.defined() ? g.reshape({-1}) : torch::zeros({p.numel()}, p.options()));
            }
            at::Tensor buffer = torch::cat(flat);
            flat.clear();
            d->allReduce(buffer, c10d::ReduceOp::SUM);
            int64_t offset = 0;
            for (size_t i : b.second) {
                auto p = parameters[i];
                const auto part = buffer.narrow(0, offset, p.numel()).view(p.sizes());
                offset += p.numel();
                if (p.grad().defined())
                    p.mutable_grad().copy_(part);
                else
                    p.mutable_grad() = part.clone();
            }
        }
    });
#else
    (void)parameters;
    return makeError("no process group");
#endif
}

Status DataParallelGroup::broadcastFromMain(const std::vector<at::Tensor> &tensors)
{
#ifdef SATGPT_HAVE_C10D_GLOO
    return guarded("broadcast", [&] {
        torch::NoGradGuard noGrad;
        for (const auto &t : tensors) {
            // Contiguous staging copy: c10d needs dense tensors, parameters may be views.
            std::vector<at::Tensor> one{t.is_contiguous() ? t : t.contiguous()};
            c10d::BroadcastOptions opts;
            opts.rootRank = 0;
            d->withGroup([&](auto &pg) { pg.broadcast(one, opts)->wait(); });
            if (!t.is_contiguous())
                const_cast<at::Tensor &>(t).copy_(one[0]);
        }
    });
#else
    (void)tensors;
    return makeError("no process group");
#endif
}

Status DataParallelGroup::barrier()
{
#ifdef SATGPT_HAVE_C10D_GLOO
    return guarded("barrier", [&] { d->withGroup([&](auto &pg) { pg.barrier()->wait(); }); });
#else
    return makeError("no process group");
#endif
}

} // namespace satgpt::ml
