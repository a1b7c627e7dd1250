// SPDX-License-Identifier: GPL-3.0-or-later
// safetensors reader and writer (see tensorio.h). The file is memory-mapped only while it is
// read: every tensor is copied out of the mapping into memory it owns, so callers may modify
// tensors in place, keep them after the file is replaced, and never fault on a file truncated
// behind their back. The copy costs one pass over the weights, which is small next to loading a
// model; the header is validated completely before a single tensor byte is touched.

#include "core/ml/tensorio.h"

#include "core/ml/fileutil.h"
#include "core/ml/mappedfile.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <string>


#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "safetensors stores little-endian data; a big-endian port needs byte swapping here"
#endif

namespace satgpt::ml {

namespace detail {
namespace {

struct DtypeInfo
{
    const char *name;
    c10::ScalarType type;
    size_t size;
    int rank; ///< safetensors' Rust enum order; files list higher ranks first.
};

// Rust enum order: BOOL, U8, I8, (F8_*), I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64.
static const DtypeInfo kDtypes[] = {
    {"BOOL", c10::ScalarType::Bool, 1, 0},     {"U8", c10::ScalarType::Byte, 1, 1},
    {"I8", c10::ScalarType::Char, 1, 2},       {"I16", c10::ScalarType::Short, 2, 5},
    {"F16", c10::ScalarType::Half, 2, 7},      {"BF16", c10::ScalarType::BFloat16, 2, 8},
    {"I32", c10::ScalarType::Int, 4, 9},       {"F32", c10::ScalarType::Float, 4, 11},
    {"F64", c10::ScalarType::Double, 8, 12},   {"I64", c10::ScalarType::Long, 8, 13},
};

static const DtypeInfo *dtypeByName(const std::string &name)
{
    for (const DtypeInfo &d : kDtypes)
        if (name == d.name)
            return &d;
    return nullptr;
}

static const DtypeInfo *dtypeByType(c10::ScalarType type)
{
    for (const DtypeInfo &d : kDtypes)
        if (type == d.type)
            return &d;
    return nullptr;
}

static std::string describeForeignFormat(const unsigned char *p, size_t n)
{
    if (n >= 4 && p[0] == 'P' && p[1] == 'K' && p[2] == 3 && p[3] == 4)
        return "it is a zip archive (a torch.save checkpoint such as pytorch_model.bin?), not safetensors";
    if (n >= 2 && p[0] == 0x80 && p[1] <= 5)
        return "it is a Python pickle (a legacy torch.save file?), not safetensors";
    return {};
}

struct Entry
{
    std::string name;
    const DtypeInfo *dtype = nullptr;
    std::vector<int64_t> shape;
    uint64_t begin = 0;
    uint64_t end = 0;
};

} // namespace
} // namespace detail

using detail::Entry;

static constexpr uint64_t kMaxHeaderBytes = 100ull * 1000 * 1000;

Result<TensorMap> readSafetensors(const std::string &path, std::map<std::string, std::string> *metadata)
{
    using nlohmann::ordered_json;
    detail::MappedFile file;
    if (Status s = file.open(path); !s)
        return s.error();
    const unsigned char *bytes = file.data();
    const size_t size = file.size();
    if (size == 0)
        return makeError("The file is empty, not a safetensors file", path);
    if (size < 8)
        return makeError("The file is too short to be safetensors (" + std::to_string(size) + " bytes, the header length alone needs 8)", path);

    uint64_t headerLen = 0;
    for (int i = 7; i >= 0; --i)
        headerLen = (headerLen << 8) | bytes[i];
    const std::string foreign = detail::describeForeignFormat(bytes, size);
    if (headerLen > kMaxHeaderBytes)
        return makeError("Not a valid safetensors file: the header length (" + std::to_string(headerLen)
                             + " bytes) exceeds the 100 MB limit",
                         path, foreign);
    if (headerLen > size - 8)
        return makeError("Truncated safetensors file: the header claims " + std::to_string(headerLen) + " bytes but only "
                             + std::to_string(size - 8) + " follow",
                         path, foreign);
    if (headerLen < 2 || bytes[8] != '{')
        return makeError("Not a valid safetensors file: the header is not a JSON object", path, foreign);

    const char *headerBegin = reinterpret_cast<const char *>(bytes + 8);
    ordered_json header = ordered_json::parse(headerBegin, headerBegin + headerLen, nullptr, false);
    if (header.is_discarded() || !header.is_object())
        return makeError("Not a valid safetensors file: the header is not valid JSON", path);

    const uint64_t dataStart = 8 + headerLen;
    const uint64_t dataSize = size - dataStart;
    std::vector<Entry> entries;
    entries.reserve(header.size());
    for (auto it = header.begin(); it != header.end(); ++it) {
        const std::string &name = it.key();
        const ordered_json &v = it.value();
        if (name == "__metadata__") {
            if (!v.is_object())
                return makeError("Invalid safetensors header: __metadata__ is not an object", path);
            for (auto m = v.begin(); m != v.end(); ++m) {
                if (!m.value().is_string())
                    return makeError("Invalid safetensors header: metadata value '" + m.key() + "' is not a string", path);
                if (metadata)
                    (*metadata)[m.key()] = m.value().get<std::string>();
            }
            continue;
        }
        const std::string where = "tensor '" + name + "'";
        if (!v.is_object())
            return makeError("Invalid safetensors header: " + where + " is not an object", path);
        const auto dt = v.find("dtype");
        const auto sh = v.find("shape");
        const auto off = v.find("data_offsets");
        if (dt == v.end() || !dt->is_string() || sh == v.end() || !sh->is_array() || off == v.end() || !off->is_array()
            || off->size() != 2)
            return makeError("Invalid safetensors header: " + where + " needs dtype, shape and data_offsets [begin, end]", path);
        Entry e;
        e.name = name;
        e.dtype = detail::dtypeByName(dt->get<std::string>());
        if (!e.dtype)
            return makeError("Unsupported safetensors dtype '" + dt->get<std::string>() + "' for " + where, path,
                             "supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL");
        // numel * element size, refusing anything that would overflow 64 bits.
        uint64_t bytesNeeded = e.dtype->size;
        for (const auto &d : *sh) {
            if (!d.is_number_unsigned())
                return makeError("Invalid safetensors header: " + where + " has a negative or non-integer dimension", path);
            const uint64_t dim = d.get<uint64_t>();
            if (dim > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
                || (dim != 0 && bytesNeeded > std::numeric_limits<uint64_t>::max() / dim))
                return makeError("Invalid safetensors header: the shape of " + where + " overflows", path);
            bytesNeeded *= dim;
            e.shape.push_back(static_cast<int64_t>(dim));
        }
        if (!(*off)[0].is_number_unsigned() || !(*off)[1].is_number_unsigned())
            return makeError("Invalid safetensors header: " + where + " has negative or non-integer data_offsets", path);
        e.begin = (*off)[0].get<uint64_t>();
        e.end = (*off)[1].get<uint64_t>();
        if (e.end < e.begin)
            return makeError("Invalid safetensors header: " + where + " ends before it begins", path);
        if (e.end - e.begin != bytesNeeded)
            return makeError("Invalid safetensors header: " + where + " has " + std::to_string(e.end - e.begin)
                                 + " bytes but dtype x shape needs " + std::to_string(bytesNeeded),
                             path);
        if (e.end > dataSize)
            return makeError("Truncated safetensors file: " + where + " ends at data byte " + std::to_string(e.end)
                                 + " but the data section has only " + std::to_string(dataSize) + " bytes",
                             path);
        entries.push_back(std::move(e));
    }

    // The reference implementation requires the tensors to tile the data section exactly: no
    // overlaps (one region read as two tensors) and no holes (room for hidden payloads).
    std::vector<const Entry *> byOffset;
    for (const Entry &e : entries)
        byOffset.push_back(&e);
    std::sort(byOffset.begin(), byOffset.end(), [](const Entry *a, const Entry *b) {
        return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
    });
    uint64_t cursor = 0;
    for (const Entry *e : byOffset) {
        if (e->begin < cursor)
            return makeError("Invalid safetensors header: tensor '" + e->name + "' overlaps another tensor", path);
        if (e->begin > cursor)
            return makeError("Invalid safetensors header: unused bytes before tensor '" + e->name + "'", path);
        cursor = e->end;
    }
    if (cursor != dataSize)
        return makeError("Invalid safetensors file: " + std::to_string(dataSize - cursor)
                             + " bytes after the last tensor are not described by the header",
                         path);

    TensorMap result;
    try {
        for (const Entry &e : entries) {
            torch::Tensor t;
            const unsigned char *src = bytes + dataStart + e.begin;
            if (e.dtype->type == c10::ScalarType::Bool) {
                // A bool byte other than 0/1 is undefined behaviour in torch; normalise it.
                t = torch::empty(e.shape, torch::kUInt8);
                if (e.end > e.begin)
                    std::memcpy(t.data_ptr(), src, e.end - e.begin);
                t = t.ne(0);
            } else {
                t = torch::empty(e.shape, torch::TensorOptions().dtype(e.dtype->type));
                if (e.end > e.begin)
                    std::memcpy(t.data_ptr(), src, e.end - e.begin);
            }
            result.insert(e.name, std::move(t));
        }
    } catch (const std::bad_alloc &) {
        return makeError("Not enough memory to load the tensors", path);
    } catch (const c10::Error &err) {
        return makeError("Cannot create the tensors", path, err.what_without_backtrace());
    }
    return result;
}

Result<TensorMap> readSafetensors(const std::string &path) { return readSafetensors(path, nullptr); }

Result<std::vector<unsigned char>> serializeSafetensors(const TensorMap &tensors,
                                                        const std::map<std::string, std::string> &metadata,
                                                        const std::string &pathForErrors)
{
    using nlohmann::ordered_json;
    struct Item
    {
        std::string name;
        torch::Tensor tensor;
        const detail::DtypeInfo *dtype;
    };
    std::vector<Item> items;
    try {
        for (const std::string &name : tensors.names) {
            if (name == "__metadata__")
                return makeError("A tensor cannot be named __metadata__", pathForErrors);
            torch::Tensor t = tensors.at(name);
            if (!t.defined())
                return makeError("Tensor '" + name + "' is undefined", pathForErrors);
            const detail::DtypeInfo *d = detail::dtypeByType(t.scalar_type());
            if (!d)
                return makeError("Tensor '" + name + "' has a dtype safetensors support here lacks", pathForErrors,
                                 std::string(c10::toString(t.scalar_type())));
            t = t.detach().to(torch::kCPU).contiguous();
            items.push_back({name, t, d});
        }
        std::sort(items.begin(), items.end(), [](const Item &a, const Item &b) {
            return a.dtype->rank != b.dtype->rank ? a.dtype->rank > b.dtype->rank : a.name < b.name;
        });

        ordered_json header = ordered_json::object();
        if (!metadata.empty()) {
            ordered_json meta = ordered_json::object();
            for (const auto &[k, v] : metadata)
                meta[k] = v;
            header["__metadata__"] = meta;
        }
        uint64_t offset = 0;
        for (const Item &it : items) {
            const uint64_t n = static_cast<uint64_t>(it.tensor.numel()) * it.dtype->size;
            ordered_json entry = ordered_json::object();
            entry["dtype"] = it.dtype->name;
            entry["shape"] = it.tensor.sizes().vec();
            entry["data_offsets"] = {offset, offset + n};
            header[it.name] = entry;
            offset += n;
        }
        std::string text = header.dump();
        text.append((8 - text.size() % 8) % 8, ' ');

        std::vector<unsigned char> out;
        out.reserve(8 + text.size() + offset);
        uint64_t len = text.size();
        for (int i = 0; i < 8; ++i)
            out.push_back(static_cast<unsigned char>((len >> (8 * i)) & 0xff));
        out.insert(out.end(), text.begin(), text.end());
        for (const Item &it : items) {
            torch::Tensor t = it.tensor;
            if (t.scalar_type() == c10::ScalarType::Bool)
                t = t.to(torch::kUInt8);
            const auto *p = static_cast<const unsigned char *>(t.data_ptr());
            out.insert(out.end(), p, p + t.numel() * it.dtype->size);
        }
        return out;
    } catch (const std::bad_alloc &) {
        return makeError("Not enough memory to serialise the tensors", pathForErrors);
    } catch (const c10::Error &err) {
        return makeError("Cannot serialise the tensors", pathForErrors, err.what_without_backtrace());
    }
}

Status writeSafetensors(const std::string &path, const TensorMap &tensors, const std::map<std::string, std::string> &metadata)
{
    auto bytes = serializeSafetensors(tensors, metadata, path);
    if (!bytes)
        return bytes.error();
    return detail::writeFileAtomically(path, bytes->data(), bytes->size());
}

} // namespace satgpt::ml
