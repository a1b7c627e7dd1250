// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Public, torch-free API of the vision-language model (ViT encoder + GPT-2 decoder, HF
// VisionEncoderDecoderModel semantics) for the rest of the application.

#include "core/base/result.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace satgpt::ml {

/// An 8-bit RGB image, interleaved (R, G, B per pixel), rows top to bottom, tightly packed
/// (`pixels.size() == width * height * 3`). Band selection and stretching happen upstream.
struct ImageRGB8
{
    int width = 0;
    int height = 0;
    std::vector<uint8_t> pixels;

    bool isValid() const
    {
        return width > 0 && height > 0 && pixels.size() == static_cast<size_t>(width) * static_cast<size_t>(height) * 3;
    }
};

enum class ComputeDevice {
    Cpu,  ///< the default
    Cuda, ///< an error when CUDA is not available
    Auto  ///< CUDA when torch sees a GPU, else CPU
};
enum class ComputePrecision {
    Auto,     ///< float32 on CPU, float16 on CUDA
    Float32,
    Float16,  ///< CUDA only
    BFloat16  ///< CUDA only
};

struct DeviceOptions
{
    ComputeDevice device = ComputeDevice::Cpu;
    ComputePrecision precision = ComputePrecision::Auto;
    int cudaIndex = 0;
};

/// Decoding settings with HF generate() semantics. Unset fields take the model folder's
/// generation_config.json values, then HF's defaults.
struct GenerationSettings
{
    int maxNewTokens = 20;
    int numBeams = 1;             ///< > 1: beam search (no streaming until the end)
    double lengthPenalty = 1.0;   ///< beam search: score = sum log p / length^penalty
    bool earlyStopping = false;   ///< beam search: stop once num_beams hypotheses are finished
    bool doSample = false;        ///< top-k / top-p sampling instead of greedy/beam
    int topK = 50;
    double topP = 1.0;
    double temperature = 1.0;
    std::optional<uint64_t> seed; ///< sampling: the same seed gives the same text
    double repetitionPenalty = 1.0;
    int noRepeatNgramSize = 0;
    std::vector<int64_t> stopTokenIds; ///< in addition to the model's eos token
};

struct GenerationTiming
{
    double preprocessMs = 0.0;
    double encodeMs = 0.0;
    double decodeMs = 0.0;
    double totalMs = 0.0;
    int64_t generatedTokens = 0;
    double msPerToken() const { return generatedTokens > 0 ? decodeMs / static_cast<double>(generatedTokens) : 0.0; }
};

struct Generation
{
    std::string text;               ///< decoded continuation, special tokens removed, trimmed
    std::vector<int64_t> tokenIds;  ///< generated ids only: no decoder start token, no prompt;
                                    ///< ends with eos when the model emitted it
    bool canceled = false;          ///< the callback returned false; text holds what was produced
    GenerationTiming timing;
};

struct ModelInfo
{
    std::string modelId;   ///< `_name_or_path` from config.json, else the folder name
    std::string dir;
    std::string device;    ///< "cpu", "cuda:0"
    std::string dtype;     ///< "float32", "float16", "bfloat16"
    int64_t encoderParameters = 0;
    int64_t decoderParameters = 0;
    int imageSize = 0;
    int patchSize = 0;
    int encoderLayers = 0;
    int decoderLayers = 0;
    int encoderHiddenSize = 0;
    int decoderHiddenSize = 0;
    int64_t vocabSize = 0;
    int64_t maxPositions = 0;
    bool hasTokenizer = false;
};

/// Called for every generated token with its id and its text (may be empty for special tokens
/// or an incomplete UTF-8 sequence, which is then delivered with the next piece). Return false
/// to cancel: generation stops before the next token is computed.
using TokenCallback = std::function<bool(int64_t id, const std::string &piece)>;

/**
 * The captioning / question-answering model: an HF VisionEncoderDecoder folder (config.json,
 * model.safetensors or pytorch_model.bin, generation_config.json, preprocessor_config.json and
 * the GPT-2 tokenizer files) loaded into libtorch.
 *
 * Prompt convention ("ask"): with a non-empty `prompt` the decoder input is the decoder start
 * token followed by the tokens of `questionPrompt(question)`, i.e. the text
 * `"question: <q> answer:"` (encoded without a trailing space); only the continuation is
 * returned. An empty prompt captions. Fine-tuning uses the same template (see
 * questionPrompt()) so trained models answer in this format.
 *
 * Ownership and threads: load() and generate() may run on any thread except the GUI thread
 * (they take hundreds of milliseconds); one instance runs one call at a time (calls from
 * several threads are serialised by an internal mutex). Nothing here throws; library errors
 * come back as Error values.
 */
class VisionLanguageModel final
{
public:
    static Result<std::unique_ptr<VisionLanguageModel>> load(const std::string &dir, const DeviceOptions &device = {});
    ~VisionLanguageModel();
    VisionLanguageModel(const VisionLanguageModel &) = delete;
    VisionLanguageModel &operator=(const VisionLanguageModel &) = delete;

    /// Captions `image` (empty prompt) or answers the prompt (see the class comment). Tokens are
    /// streamed to `onToken` (for beam search, once the search has finished).
    Result<Generation> generate(const ImageRGB8 &image, const std::string &prompt, const GenerationSettings &settings,
                                const TokenCallback &onToken = {});
    /// Several images in one batch (same prompt and settings); no streaming.
    Result<std::vector<Generation>> generateBatch(const std::vector<ImageRGB8> &images, const std::string &prompt,
                                                  const GenerationSettings &settings);

    /// Writes the model as an HF folder (config, safetensors, generation/preprocessor configs,
    /// tokenizer files) that Python transformers and load() read unchanged.
    Status save(const std::string &dir) const;

    const ModelInfo &info() const;
    /// The folder's generation_config.json as settings (max_new_tokens, num_beams, ...).
    GenerationSettings defaultSettings() const;

    /// "question: <question> answer:" with the question's surrounding white space trimmed.
    static std::string questionPrompt(const std::string &question);

private:
    VisionLanguageModel();
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace satgpt::ml
