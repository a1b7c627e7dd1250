// SPDX-License-Identifier: GPL-3.0-or-later
// torch.save zip checkpoints (pytorch_model.bin) read without executing anything, and content
// sniffing for readCheckpointFile(). See tensorio.h.
//
// A pickle is a program for a stack machine whose GLOBAL/REDUCE opcodes call arbitrary Python
// callables; torch.load(weights_only=False) runs them, which is how malicious checkpoints run
// code. This reader interprets only the opcodes a state dict needs and resolves only an allow
// list of globals to C++ actions (build a dict, rebuild a tensor from a storage), exactly the
// scope of torch.load(weights_only=True). Anything else is refused with the opcode or global named.

#include "core/ml/tensorio.h"

#include "core/ml/mappedfile.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#ifdef SATGPT_HAVE_ZLIB
#include <zlib.h>
#endif

namespace satgpt::ml {

namespace detail {
namespace {

// ---------------------------------------------------------------------------------------------
// Minimal zip reader over a memory-mapped file (central directory, ZIP64, stored/deflate).

static uint16_t rd16(const unsigned char *p) { return uint16_t(p[0] | (p[1] << 8)); }
static uint32_t rd32(const unsigned char *p) { return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24); }
static uint64_t rd64(const unsigned char *p) { return uint64_t(rd32(p)) | (uint64_t(rd32(p + 4)) << 32); }

static uint32_t crc32Of(const unsigned char *data, size_t n)
{
    static uint32_t table[256];
    static const bool init = [] {
        for (uint32_t i = 0; i < 256; ++i) {
            uint32_t c = i;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
        return true;
    }();
    (void)init;
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; ++i)
        c = table[(c ^ data[i]) & 0xff] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

struct ZipEntry
{
    std::string name;
    uint16_t method = 0;
    uint16_t flags = 0;
    uint32_t crc = 0;
    uint64_t compressedSize = 0;
    uint64_t size = 0;
    uint64_t localHeaderOffset = 0;
};

class ZipArchive
{
public:
    Status open(const std::string &path)
    {
        m_path = path;
        if (Status s = m_file.open(path); !s)
            return s;
        const unsigned char *d = m_file.data();
        const uint64_t n = m_file.size();
        if (n < 22)
            return makeError("Invalid zip archive: too short for an end-of-central-directory record", path);
        // The end record is the last 22 bytes plus a comment of at most 64 KiB.
        const uint64_t lowest = n > 22 + 65535 ? n - 22 - 65535 : 0;
        uint64_t eocd = UINT64_MAX;
        for (uint64_t pos = n - 22 + 1; pos-- > lowest;) {
            if (rd32(d + pos) == 0x06054b50 && pos + 22 + rd16(d + pos + 20) == n) {
                eocd = pos;
                break;
            }
        }
        if (eocd == UINT64_MAX)
            return makeError("Invalid zip archive: no end-of-central-directory record (truncated file?)", path);
        uint64_t count = rd16(d + eocd + 10);
        uint64_t cdSize = rd32(d + eocd + 12);
        uint64_t cdOffset = rd32(d + eocd + 16);
        if (count == 0xFFFF || cdSize == 0xFFFFFFFFu || cdOffset == 0xFFFFFFFFu) {
            // ZIP64: a locator just before the end record points to the ZIP64 end record.
            if (eocd < 20 || rd32(d + eocd - 20) != 0x07064b50)
                return makeError("Invalid zip archive: ZIP64 locator missing", path);
            const uint64_t z64 = rd64(d + eocd - 20 + 8);
            if (n < 56 || z64 > n - 56 || rd32(d + z64) != 0x06064b50)
                return makeError("Invalid zip archive: ZIP64 end record out of range", path);
            count = rd64(d + z64 + 32);
            cdSize = rd64(d + z64 + 40);
            cdOffset = rd64(d + z64 + 48);
        }
        if (cdOffset > n || cdSize > n - cdOffset)
            return makeError("Invalid zip archive: the central directory lies outside the file (truncated?)", path);
        // Each central record is at least 46 bytes, which bounds the count by the file size.
        if (count > cdSize / 46)
            return makeError("Invalid zip archive: more entries claimed than the central directory holds", path);
        uint64_t pos = cdOffset;
        const uint64_t cdEnd = cdOffset + cdSize;
        for (uint64_t i = 0; i < count; ++i) {
            if (cdEnd - pos < 46 || rd32(d + pos) != 0x02014b50)
                return makeError("Invalid zip archive: corrupt central directory", path);
            ZipEntry e;
            e.flags = rd16(d + pos + 8);
            e.method = rd16(d + pos + 10);
            e.crc = rd32(d + pos + 16);
            e.compressedSize = rd32(d + pos + 20);
            e.size = rd32(d + pos + 24);
            const uint16_t nameLen = rd16(d + pos + 28), extraLen = rd16(d + pos + 30), commentLen = rd16(d + pos + 32);
            e.localHeaderOffset = rd32(d + pos + 42);
            if (cdEnd - pos - 46 < uint64_t(nameLen) + extraLen + commentLen)
                return makeError("Invalid zip archive: corrupt central directory", path);
            e.name.assign(reinterpret_cast<const char *>(d + pos + 46), nameLen);
            // ZIP64 extended information: present fields replace the 0xFFFFFFFF placeholders in order.
            const unsigned char *x = d + pos + 46 + nameLen;
            const unsigned char *xEnd = x + extraLen;
            while (xEnd - x >= 4) {
                const uint16_t id = rd16(x), len = rd16(x + 2);
                if (xEnd - x - 4 < len)
                    break;
                if (id == 0x0001) {
                    const unsigned char *f = x + 4, *fEnd = x + 4 + len;
                    auto take = [&](uint64_t &v) {
                        if (v == 0xFFFFFFFFu && fEnd - f >= 8) {
                            v = rd64(f);
                            f += 8;
                        }
                    };
                    take(e.size);
                    take(e.compressedSize);
                    take(e.localHeaderOffset);
                }
                x += 4 + len;
            }
            pos += 46 + uint64_t(nameLen) + extraLen + commentLen;
            m_entries.push_back(std::move(e));
        }
        return {};
    }

    const std::vector<ZipEntry> &entries() const { return m_entries; }

    const ZipEntry *find(const std::string &name) const
    {
        for (const ZipEntry &e : m_entries)
            if (e.name == name)
                return &e;
        return nullptr;
    }

    /// The entry's bytes, checked against its CRC. Stored entries are copied straight from the
    /// mapping; deflated ones are inflated when zlib is available.
    Result<std::vector<unsigned char>> read(const ZipEntry &e) const
    {
        const unsigned char *d = m_file.data();
        const uint64_t n = m_file.size();
        const std::string what = "zip entry '" + e.name + "'";
        if (e.flags & 0x1)
            return makeError("Encrypted " + what + " is not supported", m_path);
        if (e.localHeaderOffset > n || n - e.localHeaderOffset < 30 || rd32(d + e.localHeaderOffset) != 0x04034b50)
            return makeError("Invalid zip archive: bad local header for " + what, m_path);
        const uint64_t dataPos = e.localHeaderOffset + 30 + rd16(d + e.localHeaderOffset + 26) + rd16(d + e.localHeaderOffset + 28);
        if (dataPos > n || e.compressedSize > n - dataPos)
            return makeError("Truncated zip archive: " + what + " extends past the end of the file", m_path);
        const unsigned char *src = d + dataPos;
        std::vector<unsigned char> out;
        if (e.method == 0) {
            if (e.compressedSize != e.size)
                return makeError("Invalid zip archive: stored " + what + " has mismatched sizes", m_path);
            out.assign(src, src + e.size);
        } else if (e.method == 8) {
#ifdef SATGPT_HAVE_ZLIB
            // The declared size bounds the allocation, and that size is itself bounded: deflate
            // cannot expand by more than ~1032:1.
            if (e.size / 1032 > e.compressedSize + 1)
                return makeError("Invalid zip archive: implausible size for deflated " + what, m_path);
            out.resize(e.size);
            z_stream zs{};
            if (inflateInit2(&zs, -MAX_WBITS) != Z_OK)
                return makeError("Cannot initialise zlib for " + what, m_path);
            // zlib counts in uInt, so feed and drain in chunks of at most 1 GiB.
            uint64_t inLeft = e.compressedSize, outLeft = e.size;
            zs.next_in = const_cast<unsigned char *>(src);
            zs.next_out = out.data();
            int rc;
            do {
                if (zs.avail_in == 0 && inLeft > 0) {
                    zs.avail_in = uInt(std::min<uint64_t>(inLeft, 1u << 30));
                    inLeft -= zs.avail_in;
                }
                if (zs.avail_out == 0 && outLeft > 0) {
                    zs.avail_out = uInt(std::min<uint64_t>(outLeft, 1u << 30));
                    outLeft -= zs.avail_out;
                }
                rc = inflate(&zs, Z_NO_FLUSH);
            } while (rc == Z_OK);
            const bool complete = rc == Z_STREAM_END && zs.avail_out == 0 && outLeft == 0;
            inflateEnd(&zs);
            if (!complete)
                return makeError("Corrupt deflated " + what, m_path);
#else
            return makeError("Compressed " + what + " is not supported (this build has no zlib); torch.save writes stored entries", m_path);
#endif
        } else {
            return makeError("Unsupported compression method " + std::to_string(e.method) + " for " + what, m_path);
        }
        if (crc32Of(out.data(), out.size()) != e.crc)
            return makeError("Corrupt zip archive: CRC mismatch for " + what, m_path);
        return out;
    }

private:
    std::string m_path;
    MappedFile m_file;
    std::vector<ZipEntry> m_entries;
};

// ---------------------------------------------------------------------------------------------
// Restricted unpickler.

struct PyValue;
using PyRef = std::shared_ptr<PyValue>;

struct PyValue
{
    enum class Kind { None, Bool, Int, Str, Tuple, List, Dict, Global, Storage, Tensor, Mark };
    Kind kind = Kind::None;
    int64_t i = 0;
    std::string s;       ///< Str; Global: module; Storage: key
    std::string s2;      ///< Global: name
    std::vector<PyRef> items;                         ///< Tuple, List
    std::vector<std::pair<PyRef, PyRef>> dict;        ///< Dict in insertion order
    torch::Tensor tensor;                             ///< Storage (1-D, whole storage) or Tensor
    c10::ScalarType storageType = c10::ScalarType::Undefined; ///< Global naming a storage class
    int depth = 1;
};

static PyRef make(PyValue::Kind k)
{
    auto v = std::make_shared<PyValue>();
    v->kind = k;
    return v;
}

static const char *kindName(PyValue::Kind k)
{
    switch (k) {
    case PyValue::Kind::None: return "None";
    case PyValue::Kind::Bool: return "bool";
    case PyValue::Kind::Int: return "int";
    case PyValue::Kind::Str: return "str";
    case PyValue::Kind::Tuple: return "tuple";
    case PyValue::Kind::List: return "list";
    case PyValue::Kind::Dict: return "dict";
    case PyValue::Kind::Global: return "global";
    case PyValue::Kind::Storage: return "storage";
    case PyValue::Kind::Tensor: return "tensor";
    case PyValue::Kind::Mark: return "mark";
    }
    return "?";
}

static c10::ScalarType storageClassType(const std::string &name)
{
    static const std::pair<const char *, c10::ScalarType> kMap[] = {
        {"FloatStorage", c10::ScalarType::Float},   {"DoubleStorage", c10::ScalarType::Double},
        {"HalfStorage", c10::ScalarType::Half},     {"BFloat16Storage", c10::ScalarType::BFloat16},
        {"LongStorage", c10::ScalarType::Long},     {"IntStorage", c10::ScalarType::Int},
        {"ShortStorage", c10::ScalarType::Short},   {"CharStorage", c10::ScalarType::Char},
        {"ByteStorage", c10::ScalarType::Byte},     {"BoolStorage", c10::ScalarType::Bool},
    };
    for (const auto &[n, t] : kMap)
        if (name == n)
            return t;
    return c10::ScalarType::Undefined;
}

/// Loads the storage records of one archive on demand, once each, so tensors that share a
/// storage (tied weights, views) share it after loading too.
class StorageLoader
{
public:
    StorageLoader(const ZipArchive &zip, std::string prefix, std::string path)
        : m_zip(zip), m_prefix(std::move(prefix)), m_path(std::move(path)) {}

    Result<torch::Tensor> load(const std::string &key, c10::ScalarType type, int64_t numel)
    {
        const auto found = m_loaded.find(key);
        if (found != m_loaded.end()) {
            if (found->second.scalar_type() != type)
                return makeError("Storage '" + key + "' is used with two different dtypes", m_path);
            return found->second;
        }
        const ZipEntry *entry = m_zip.find(m_prefix + "data/" + key);
        if (!entry)
            return makeError("The checkpoint references storage '" + key + "' but has no record " + m_prefix + "data/" + key, m_path);
        const size_t elem = c10::elementSize(type);
        if (numel < 0 || uint64_t(numel) > entry->size / elem)
            return makeError("Storage '" + key + "' claims " + std::to_string(numel) + " elements but its record has "
                                 + std::to_string(entry->size) + " bytes",
                             m_path);
        auto bytes = m_zip.read(*entry);
        if (!bytes)
            return bytes.error();
        torch::Tensor t;
        if (type == c10::ScalarType::Bool) {
            t = torch::empty({numel}, torch::kUInt8);
            std::memcpy(t.data_ptr(), bytes->data(), size_t(numel));
            t = t.ne(0);
        } else {
            t = torch::empty({numel}, torch::TensorOptions().dtype(type));
            std::memcpy(t.data_ptr(), bytes->data(), size_t(numel) * elem);
        }
        m_loaded.emplace(key, t);
        return t;
    }

private:
    const ZipArchive &m_zip;
    std::string m_prefix;
    std::string m_path;
    std::map<std::string, torch::Tensor> m_loaded;
};

class Unpickler
{
public:
    Unpickler(const std::vector<unsigned char> &data, StorageLoader &storages, std::string path, std::string record)
        : m_p(data.data()), m_end(data.data() + data.size()), m_storages(storages), m_path(std::move(path)),
          m_record(std::move(record)) {}

    Result<PyRef> run()
    {
        while (true) {
            if (m_p >= m_end)
                return fail("ends without a STOP opcode");
            const unsigned char op = *m_p++;
            Status s = step(op);
            if (!s)
                return s.error();
            if (m_stopped) {
                if (m_stack.size() != 1)
                    return fail("stack does not hold exactly one value at STOP");
                return m_stack.back();
            }
        }
    }

private:
    Error fail(const std::string &why) const
    {
        return makeError("Refusing the checkpoint's pickle (" + m_record + "): " + why, m_path);
    }

    bool need(size_t n) const { return size_t(m_end - m_p) >= n; }

    Status push(PyRef v)
    {
        if (m_stack.size() >= kMaxStack)
            return fail("stack too deep");
        if (v->depth > kMaxDepth)
            return fail("values nested too deeply");
        m_stack.push_back(std::move(v));
        return {};
    }

    Result<PyRef> pop()
    {
        if (m_stack.empty() || m_stack.back()->kind == PyValue::Kind::Mark)
            return fail("stack underflow");
        PyRef v = m_stack.back();
        m_stack.pop_back();
        return v;
    }

    /// Everything above the topmost mark, removing the mark.
    Result<std::vector<PyRef>> popToMark()
    {
        size_t i = m_stack.size();
        while (i > 0 && m_stack[i - 1]->kind != PyValue::Kind::Mark)
            --i;
        if (i == 0)
            return fail("no MARK on the stack");
        std::vector<PyRef> items(m_stack.begin() + long(i), m_stack.end());
        m_stack.resize(i - 1);
        return items;
    }

    static PyRef makeTuple(std::vector<PyRef> items)
    {
        PyRef t = make(PyValue::Kind::Tuple);
        for (const PyRef &it : items)
            t->depth = std::max(t->depth, it->depth + 1);
        t->items = std::move(items);
        return t;
    }

    Status memoPut(uint64_t index)
    {
        if (m_stack.empty())
            return fail("memo store with an empty stack");
        if (m_memo.size() >= kMaxMemo && m_memo.find(index) == m_memo.end())
            return fail("memo too large");
        m_memo[index] = m_stack.back();
        return {};
    }

    Status memoGet(uint64_t index)
    {
        const auto it = m_memo.find(index);
        if (it == m_memo.end())
            return fail("memo entry " + std::to_string(index) + " read before it was written");
        return push(it->second);
    }

    Status pushString(size_t len)
    {
        if (!need(len))
            return fail("string runs past the end of the data");
        PyRef v = make(PyValue::Kind::Str);
        v->s.assign(reinterpret_cast<const char *>(m_p), len);
        m_p += len;
        return push(v);
    }

    Status pushInt(int64_t value)
    {
        PyRef v = make(PyValue::Kind::Int);
        v->i = value;
        return push(v);
    }

    Status global(const std::string &module, const std::string &name)
    {
        const std::string full = module + "." + name;
        PyRef g = make(PyValue::Kind::Global);
        g->s = module;
        g->s2 = name;
        if (module == "torch") {
            g->storageType = storageClassType(name);
            if (g->storageType == c10::ScalarType::Undefined)
                return fail("global '" + full + "' is not allowed (only tensor storage classes are)");
        } else if (!(module == "collections" && name == "OrderedDict")
                   && !(module == "torch._utils" && (name == "_rebuild_tensor_v2" || name == "_rebuild_parameter"))) {
            return fail("global '" + full + "' is not allowed; only a weights-only state dict can be read");
        }
        return push(g);
    }

    Status persistentLoad(const PyRef &pid)
    {
        // ('storage', <storage class>, key, location, numel)
        if (pid->kind != PyValue::Kind::Tuple || pid->items.size() != 5 || pid->items[0]->kind != PyValue::Kind::Str
            || pid->items[0]->s != "storage" || pid->items[1]->kind != PyValue::Kind::Global
            || pid->items[1]->storageType == c10::ScalarType::Undefined || pid->items[2]->kind != PyValue::Kind::Str
            || pid->items[4]->kind != PyValue::Kind::Int)
            return fail("unsupported persistent id (expected ('storage', <StorageClass>, key, location, numel))");
        auto t = m_storages.load(pid->items[2]->s, pid->items[1]->storageType, pid->items[4]->i);
        if (!t)
            return t.error();
        PyRef v = make(PyValue::Kind::Storage);
        v->s = pid->items[2]->s;
        v->tensor = *t;
        return push(v);
    }

    Result<std::vector<int64_t>> intTuple(const PyRef &v, const char *what)
    {
        if (v->kind != PyValue::Kind::Tuple)
            return fail(std::string(what) + " is not a tuple");
        std::vector<int64_t> out;
        for (const PyRef &it : v->items) {
            if (it->kind != PyValue::Kind::Int || it->i < 0)
                return fail(std::string(what) + " holds a non-integer or negative value");
            out.push_back(it->i);
        }
        return out;
    }

    Result<PyRef> rebuildTensor(const std::vector<PyRef> &args)
    {
        // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
        if (args.size() < 4 || args[0]->kind != PyValue::Kind::Storage || args[1]->kind != PyValue::Kind::Int)
            return fail("_rebuild_tensor_v2 called with unexpected arguments");
        auto sizes = intTuple(args[2], "tensor size");
        if (!sizes)
            return sizes.error();
        auto strides = intTuple(args[3], "tensor stride");
        if (!strides)
            return strides.error();
        if (sizes->size() != strides->size())
            return fail("tensor size and stride have different lengths");
        const int64_t offset = args[1]->i;
        const torch::Tensor &storage = args[0]->tensor;
        const int64_t numel = storage.numel();
        // The view must stay inside its storage: offset + sum((size-1)*stride) < numel.
        if (offset < 0 || offset > numel)
            return fail("tensor offset outside its storage");
        bool empty = false;
        uint64_t last = uint64_t(offset);
        for (size_t d = 0; d < sizes->size(); ++d) {
            if ((*sizes)[d] == 0)
                empty = true;
            else {
                const uint64_t span = uint64_t((*sizes)[d] - 1);
                const uint64_t stride = uint64_t((*strides)[d]);
                if (stride != 0 && span > (std::numeric_limits<uint64_t>::max() / 2 - last) / stride)
                    return fail("tensor view overflows");
                last += span * stride;
            }
        }
        if (!empty && last >= uint64_t(numel))
            return fail("tensor view reaches past the end of its storage");
        PyRef t = make(PyValue::Kind::Tensor);
        t->tensor = torch::empty({0}, storage.options()).set_(storage.storage(), offset, *sizes, *strides);
        return t;
    }

    Status reduce()
    {
        auto args = pop();
        if (!args)
            return args.error();
        auto callable = pop();
        if (!callable)
            return callable.error();
        const PyValue &g = **callable;
        if (g.kind != PyValue::Kind::Global || (*args)->kind != PyValue::Kind::Tuple)
            return fail("REDUCE on something other than an allowed global");
        const std::vector<PyRef> &a = (*args)->items;
        if (g.s == "collections" && g.s2 == "OrderedDict") {
            if (!a.empty())
                return fail("OrderedDict called with arguments");
            return push(make(PyValue::Kind::Dict));
        }
        if (g.s == "torch._utils" && g.s2 == "_rebuild_tensor_v2") {
            auto t = rebuildTensor(a);
            if (!t)
                return t.error();
            return push(*t);
        }
        if (g.s == "torch._utils" && g.s2 == "_rebuild_parameter") {
            // _rebuild_parameter(data, requires_grad, backward_hooks): a Parameter is just its data here.
            if (a.empty() || a[0]->kind != PyValue::Kind::Tensor)
                return fail("_rebuild_parameter called with unexpected arguments");
            return push(a[0]);
        }
        return fail("calling '" + g.s + "." + g.s2 + "' is not allowed");
    }

    Status setItems(std::vector<PyRef> kv)
    {
        if (kv.size() % 2)
            return fail("SETITEMS with an odd number of values");
        auto target = pop();
        if (!target)
            return target.error();
        if ((*target)->kind != PyValue::Kind::Dict)
            return fail("SETITEM(S) on a " + std::string(kindName((*target)->kind)));
        PyValue &d = **target;
        for (size_t i = 0; i < kv.size(); i += 2) {
            if (kv[i]->kind != PyValue::Kind::Str && kv[i]->kind != PyValue::Kind::Int)
                return fail("dict key of type " + std::string(kindName(kv[i]->kind)));
            d.depth = std::max(d.depth, kv[i + 1]->depth + 1);
            if (d.depth > kMaxDepth)
                return fail("values nested too deeply");
            bool replaced = false;
            for (auto &entry : d.dict)
                if (entry.first->kind == kv[i]->kind && entry.first->s == kv[i]->s && entry.first->i == kv[i]->i) {
                    entry.second = kv[i + 1];
                    replaced = true;
                }
            if (!replaced)
                d.dict.emplace_back(kv[i], kv[i + 1]);
        }
        return push(*target);
    }

    Status step(unsigned char op)
    {
        using K = PyValue::Kind;
        switch (op) {
        case 0x80: // PROTO
            if (!need(1) || *m_p < 2 || *m_p > 5)
                return fail("unsupported pickle protocol");
            ++m_p;
            return {};
        case 0x95: // FRAME (protocol 4): an 8-byte length we don't need.
            if (!need(8))
                return fail("truncated FRAME");
            m_p += 8;
            return {};
        case '.': // STOP
            m_stopped = true;
            return {};
        case '(': // MARK
            return push(make(K::Mark));
        case ')': // EMPTY_TUPLE
            return push(makeTuple({}));
        case '}': // EMPTY_DICT
            return push(make(K::Dict));
        case ']': // EMPTY_LIST
            return push(make(K::List));
        case 'N': // NONE
            return push(make(K::None));
        case 0x88: // NEWTRUE
        case 0x89: { // NEWFALSE
            PyRef v = make(K::Bool);
            v->i = op == 0x88;
            return push(v);
        }
        case 'K': // BININT1
            if (!need(1))
                return fail("truncated BININT1");
            return pushInt(*m_p++);
        case 'M': // BININT2
            if (!need(2))
                return fail("truncated BININT2");
            m_p += 2;
            return pushInt(rd16(m_p - 2));
        case 'J': // BININT
            if (!need(4))
                return fail("truncated BININT");
            m_p += 4;
            return pushInt(int32_t(rd32(m_p - 4)));
        case 0x8a: { // LONG1
            if (!need(1) || !need(1 + size_t(*m_p)))
                return fail("truncated LONG1");
            const size_t n = *m_p++;
            if (n > 8)
                return fail("integer wider than 64 bits");
            uint64_t v = 0;
            for (size_t k = 0; k < n; ++k)
                v |= uint64_t(m_p[k]) << (8 * k);
            if (n > 0 && n < 8 && (m_p[n - 1] & 0x80))
                v |= ~uint64_t(0) << (8 * n); // sign-extend
            m_p += n;
            return pushInt(int64_t(v));
        }
        case 'X': // BINUNICODE
            if (!need(4))
                return fail("truncated BINUNICODE");
            m_p += 4;
            return pushString(rd32(m_p - 4));
        case 0x8c: // SHORT_BINUNICODE
            if (!need(1))
                return fail("truncated SHORT_BINUNICODE");
            return pushString(*m_p++);
        case 'q': // BINPUT
            if (!need(1))
                return fail("truncated BINPUT");
            return memoPut(*m_p++);
        case 'r': // LONG_BINPUT
            if (!need(4))
                return fail("truncated LONG_BINPUT");
            m_p += 4;
            return memoPut(rd32(m_p - 4));
        case 0x94: // MEMOIZE
            return memoPut(m_memo.size());
        case 'h': // BINGET
            if (!need(1))
                return fail("truncated BINGET");
            return memoGet(*m_p++);
        case 'j': // LONG_BINGET
            if (!need(4))
                return fail("truncated LONG_BINGET");
            m_p += 4;
            return memoGet(rd32(m_p - 4));
        case 'c': { // GLOBAL "module\nname\n"
            std::string parts[2];
            for (std::string &part : parts) {
                const unsigned char *nl = static_cast<const unsigned char *>(std::memchr(m_p, '\n', size_t(m_end - m_p)));
                if (!nl || nl - m_p > 256)
                    return fail("malformed GLOBAL");
                part.assign(reinterpret_cast<const char *>(m_p), size_t(nl - m_p));
                m_p = nl + 1;
            }
            return global(parts[0], parts[1]);
        }
        case 0x93: { // STACK_GLOBAL
            auto name = pop();
            if (!name)
                return name.error();
            auto module = pop();
            if (!module)
                return module.error();
            if ((*name)->kind != K::Str || (*module)->kind != K::Str)
                return fail("STACK_GLOBAL without strings");
            return global((*module)->s, (*name)->s);
        }
        case 't': { // TUPLE
            auto items = popToMark();
            if (!items)
                return items.error();
            return push(makeTuple(std::move(*items)));
        }
        case 0x85: case 0x86: case 0x87: { // TUPLE1..3
            const size_t n = size_t(op - 0x84);
            std::vector<PyRef> items(n);
            for (size_t k = n; k-- > 0;) {
                auto v = pop();
                if (!v)
                    return v.error();
                items[k] = *v;
            }
            return push(makeTuple(std::move(items)));
        }
        case 'Q': { // BINPERSID
            auto pid = pop();
            if (!pid)
                return pid.error();
            return persistentLoad(*pid);
        }
        case 'R': // REDUCE
            return reduce();
        case 's': { // SETITEM
            auto value = pop();
            if (!value)
                return value.error();
            auto key = pop();
            if (!key)
                return key.error();
            return setItems({*key, *value});
        }
        case 'u': { // SETITEMS
            auto kv = popToMark();
            if (!kv)
                return kv.error();
            return setItems(std::move(*kv));
        }
        case 'a': case 'e': { // APPEND, APPENDS
            std::vector<PyRef> values;
            if (op == 'a') {
                auto v = pop();
                if (!v)
                    return v.error();
                values.push_back(*v);
            } else {
                auto vs = popToMark();
                if (!vs)
                    return vs.error();
                values = std::move(*vs);
            }
            auto list = pop();
            if (!list)
                return list.error();
            if ((*list)->kind != K::List)
                return fail("APPEND on a " + std::string(kindName((*list)->kind)));
            for (const PyRef &v : values) {
                (*list)->depth = std::max((*list)->depth, v->depth + 1);
                (*list)->items.push_back(v);
            }
            if ((*list)->depth > kMaxDepth)
                return fail("values nested too deeply");
            return push(*list);
        }
        case 'b': { // BUILD: only the state torch attaches to a state dict's OrderedDict (_metadata).
            auto state = pop();
            if (!state)
                return state.error();
            if (m_stack.empty() || m_stack.back()->kind != K::Dict)
                return fail("BUILD on something other than a dict");
            return {};
        }
        default: {
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02x", op);
            return fail(std::string("opcode ") + hex + " is not allowed in a weights-only checkpoint");
        }
        }
    }

    static constexpr size_t kMaxStack = 1u << 20;
    static constexpr size_t kMaxMemo = 1u << 22;
    static constexpr int kMaxDepth = 64;

    const unsigned char *m_p;
    const unsigned char *m_end;
    StorageLoader &m_storages;
    std::string m_path;
    std::string m_record;
    std::vector<PyRef> m_stack;
    std::map<uint64_t, PyRef> m_memo;
    bool m_stopped = false;
};

/// The "<prefix>/data.pkl" record of a torch.save archive; nullptr when there is none.
static const ZipEntry *findDataPkl(const ZipArchive &zip)
{
    for (const ZipEntry &e : zip.entries()) {
        const size_t slash = e.name.find('/');
        if (slash != std::string::npos && e.name.compare(slash, std::string::npos, "/data.pkl") == 0)
            return &e;
    }
    return nullptr;
}

static bool looksLikeTorchScript(const ZipArchive &zip)
{
    for (const ZipEntry &e : zip.entries()) {
        const size_t slash = e.name.find('/');
        if (slash == std::string::npos)
            continue;
        const std::string rest = e.name.substr(slash + 1);
        if (rest == "constants.pkl" || rest.rfind("code/", 0) == 0)
            return true;
    }
    return false;
}

static Result<TensorMap> readTorchZip(const ZipArchive &zip, const std::string &path)
{
    if (looksLikeTorchScript(zip))
        return makeError("This is a TorchScript archive (torch.jit.save: it has constants.pkl/code/), not a weights "
                         "checkpoint; TorchScript is not supported. Save the model's state_dict() with torch.save, or "
                         "use safetensors",
                         path);
    const ZipEntry *pkl = findDataPkl(zip);
    if (!pkl)
        return makeError("Zip archive without a <name>/data.pkl record: not a torch.save checkpoint", path);
    const std::string prefix = pkl->name.substr(0, pkl->name.size() - std::string("data.pkl").size());
    if (const ZipEntry *order = zip.find(prefix + "byteorder")) {
        auto bytes = zip.read(*order);
        if (!bytes)
            return bytes.error();
        if (std::string(bytes->begin(), bytes->end()) != "little")
            return makeError("The checkpoint stores big-endian tensors, which are not supported", path);
    }
    auto pickle = zip.read(*pkl);
    if (!pickle)
        return pickle.error();

    StorageLoader storages(zip, prefix, path);
    Unpickler unpickler(*pickle, storages, path, pkl->name);
    auto root = unpickler.run();
    if (!root)
        return root.error();
    if ((*root)->kind != PyValue::Kind::Dict)
        return makeError(std::string("The checkpoint holds a ") + kindName((*root)->kind) + ", not a state dict (name -> tensor)", path);
    TensorMap result;
    for (const auto &[key, value] : (*root)->dict) {
        if (key->kind != PyValue::Kind::Str)
            return makeError("The checkpoint's state dict has a non-string key", path);
        if (value->kind != PyValue::Kind::Tensor)
            return makeError("The checkpoint's entry '" + key->s + "' is a " + kindName(value->kind) + ", not a tensor", path);
        result.insert(key->s, value->tensor);
    }
    return result;
}

} // namespace
} // namespace detail

Result<TensorMap> readPytorchBin(const std::string &path)
{
    try {
        detail::ZipArchive zip;
        if (Status s = zip.open(path); !s) {
            Error e = s.error();
            return e;
        }
        return detail::readTorchZip(zip, path);
    } catch (const std::bad_alloc &) {
        return makeError("Not enough memory to load the checkpoint", path);
    } catch (const c10::Error &err) {
        return makeError("Cannot rebuild the checkpoint's tensors", path, err.what_without_backtrace());
    }
}

Result<TensorMap> readCheckpointFile(const std::string &path)
{
    unsigned char head[9] = {};
    size_t size = 0;
    {
        detail::MappedFile file;
        if (Status s = file.open(path); !s)
            return s.error();
        size = file.size();
        if (size > 0)
            std::memcpy(head, file.data(), std::min<size_t>(size, sizeof head));
    }
    if (size == 0)
        return makeError("The file is empty, not a checkpoint", path);
    if (size >= 4 && head[0] == 'P' && head[1] == 'K' && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6)))
        return readPytorchBin(path);
    // Safetensors before the pickle check: a header length whose low byte is 0x80 (one file in
    // 256) starts with the pickle protocol byte too.
    if (size >= 9 && head[8] == '{') {
        uint64_t headerLength = 0;
        for (int i = 7; i >= 0; --i)
            headerLength = (headerLength << 8) | head[i];
        if (headerLength <= size - 8)
            return readSafetensors(path);
    }
    if (head[0] == 0x80)
        return makeError("This is a legacy/arbitrary pickle (the pre-1.6 torch.save format or a plain Python pickle), not "
                         "supported for safety: loading it could run arbitrary code. Re-save it as safetensors, or "
                         "with torch.save from torch >= 1.6 (zip format)",
                         path);
    if (size >= 9 && head[8] == '{')
        return readSafetensors(path);
    return makeError("Unknown checkpoint format (expected safetensors or a torch.save zip archive)", path);
}

} // namespace satgpt::ml
