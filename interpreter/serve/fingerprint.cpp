// interpreter/serve/fingerprint.cpp — SHA-256 through OpenSSL's EVP interface (libssl-dev is
// already a dependency of libcpp-httplib-dev, so this adds no package).
#include "interpreter/serve/fingerprint.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <openssl/evp.h>

namespace cpl::serve {

namespace {

class Sha256 {
public:
    Sha256() : ctx_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) {
        EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr);
    }
    void update(std::string_view text) { EVP_DigestUpdate(ctx_.get(), text.data(), text.size()); }
    std::string hex() {
        std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
        unsigned int size = 0;
        EVP_DigestFinal_ex(ctx_.get(), digest.data(), &size);
        static constexpr char digits[] = "0123456789abcdef";
        std::string out;
        for (unsigned int i = 0; i < size; ++i) {
            out += digits[digest[i] >> 4];
            out += digits[digest[i] & 15];
        }
        return out;
    }

private:
    std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx_;
};

} // namespace

std::string fingerprint(const SourceMap& sources) {
    Sha256 hash;
    for (std::size_t i = 0; i < sources.size(); ++i) {
        std::string_view text = sources.get(static_cast<FileId>(i)).text();
        std::string length = std::to_string(text.size()) + ":";
        hash.update(length);
        hash.update(text);
    }
    return "sha256:" + hash.hex();
}

std::string sha256_hex(std::string_view text) {
    Sha256 hash;
    hash.update(text);
    return hash.hex();
}

} // namespace cpl::serve
