// fuzz/fuzz_case.cpp — the case reader: any bytes → a case record or a CaseError, never a
// crash; the error renders on one line. The standard policy's muscle table is loaded once per
// process, as `cpl run` does.
#include "fuzz_support.hpp"

#include <cstdint>

using namespace cpl;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const Program& program = *fuzz::standard().program;
    static CaseReader reader(program.muscles ? &*program.muscles : nullptr);
    static Arena arena;
    arena.reset();
    std::string_view json(reinterpret_cast<const char*>(data), size);
    auto read = reader.read(json, arena);
    if (auto* error = std::get_if<CaseError>(&read)) {
        error->render();
        return 0;
    }
    const Value& record = std::get<Value>(read);
    if (record.kind != Kind::Record || record.size != shape_case)
        fuzz::finding("the reader returned something other than a case record");
    return 0;
}
