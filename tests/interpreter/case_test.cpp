// tests/interpreter/case_test.cpp — the case reader: the example cases, defaults, the records
// it builds, and every kind of bad input, each with its exact path and message.
#include "interpreter/case/case.hpp"

#include <catch2/catch.hpp>

namespace {

using namespace cpl;

// --- A hand-made muscle table ----------------------------------------------------------------

struct MuscleRow {
    std::vector<std::string> keys; // keys[0] is the canonical name
    std::string nerve;
    std::vector<std::string> roots;
};

// The `muscles` table as the lead's loader would index it: each row's value is a record
// {nerve, roots}, and every key, lower-cased, maps to its row.
struct Muscles {
    Arena arena;
    std::vector<TableRowData> rows;
    MuscleIndex index;

    explicit Muscles(const std::vector<MuscleRow>& table) {
        auto text = [&](const std::string& s) { return Value::of_string(arena.copy(s)); };
        for (const auto& row : table) {
            TableRowData data;
            for (const auto& key : row.keys)
                data.keys.push_back(text(key));
            Value* roots = arena.make_array<Value>(row.roots.size());
            for (std::size_t i = 0; i < row.roots.size(); ++i)
                new (roots + i) Value(text(row.roots[i]));
            Value* fields = arena.make_array<Value>(2);
            new (fields) Value(text(row.nerve));
            new (fields + 1) Value(Value::of_list(roots, row.roots.size()));
            data.value = Value::of_record(case_shape_count, fields); // a shape {nerve, roots}
            rows.push_back(std::move(data));
        }
        index.nerve_field = 0;
        index.roots_field = 1;
        for (const auto& row : rows)
            index.add_row(row);
    }
};

// The rows of the standard table for every muscle the example cases name.
const Muscles& standard_muscles() {
    static const Muscles muscles({
        {{"deltoid", "delt"}, "axillary", {"C5", "C6"}},
        {{"biceps brachii", "biceps", "bic"}, "musculocutaneous", {"C5", "C6"}},
        {{"extensor digitorum communis", "EDC", "extensor digitorum"}, "radial", {"C7", "C8"}},
        {{"pronator teres", "PT"}, "median", {"C6", "C7"}},
        {{"abductor pollicis brevis", "APB"}, "median", {"C8", "T1"}},
        {{"abductor digiti minimi", "ADM", "ADQ", "abductor digiti quinti"}, "ulnar", {"C8", "T1"}},
        {{"first dorsal interosseous", "FDI"}, "ulnar", {"C8", "T1"}},
        {{"vastus lateralis", "VL"}, "femoral", {"L2", "L3", "L4"}},
        {{"vastus medialis", "VM"}, "femoral", {"L2", "L3", "L4"}},
        {{"gluteus medius", "GMed"}, "superior gluteal", {"L4", "L5", "S1"}},
        {{"biceps femoris short head", "BFSH"}, "peroneal", {"L5", "S1", "S2"}},
        {{"tibialis anterior", "TA", "anterior tibialis"}, "peroneal", {"L4", "L5"}},
        {{"extensor hallucis longus", "EHL"}, "peroneal", {"L5", "S1"}},
        {{"peroneus longus", "PL", "fibularis longus"}, "peroneal", {"L5", "S1"}},
        {{"tibialis posterior", "TP", "posterior tibialis"}, "tibial", {"L5", "S1"}},
        {{"medial gastrocnemius", "MG"}, "tibial", {"S1", "S2"}},
    });
    return muscles;
}

// --- Reading the results ----------------------------------------------------------------------

std::string text(const Value& v) {
    REQUIRE(v.kind == Kind::String);
    return std::string(v.str());
}

std::vector<std::string> texts(const Value& v) {
    REQUIRE(v.kind == Kind::List);
    std::vector<std::string> out;
    for (const auto& item : v.list())
        out.push_back(text(item));
    return out;
}

const Value& field(const Value& record, std::uint32_t shape, std::uint32_t index) {
    REQUIRE(record.kind == Kind::Record);
    REQUIRE(record.size == shape);
    return record.items[index];
}

Value read_ok(CaseReader& reader, std::string_view json, Arena& arena) {
    auto result = reader.read(json, arena);
    if (auto* error = std::get_if<CaseError>(&result)) {
        INFO(error->render());
        FAIL("the case was not read");
    }
    return std::get<Value>(result);
}

CaseError read_error(CaseReader& reader, std::string_view json) {
    Arena arena;
    auto result = reader.read(json, arena);
    if (!std::holds_alternative<CaseError>(result)) FAIL("the case was read, but it is bad");
    return std::get<CaseError>(result);
}

} // namespace

// --- Good cases --------------------------------------------------------------------------------

struct Example {
    const char* name;
    const char* json;
};

// /work/shared/examples/*.case.json, each as a coder hands it to `cpl run`.
const Example examples[] = {
    {"both-arms-limited", R"({
  "id": "both-arms-limited",
  "date_of_service": "2025-04-09",
  "diagnoses": ["R20.2"],
  "extremities": [
    {"limb": "left_arm", "muscles": ["APB", "FDI", "ADM"]},
    {"limb": "right_arm", "muscles": ["APB", "FDI", "ADM"]}
  ]
})"},
    {"carpal-tunnel-right", R"({
  "id": "carpal-tunnel-right",
  "date_of_service": "2025-04-07",
  "diagnoses": ["G56.01"],
  "extremities": [
    {"limb": "right_arm", "muscles": ["APB", "FDI", "pronator teres", "EDC", "biceps", "deltoid"], "paraspinal_levels": ["C6", "C7", "C8"]}
  ],
  "nerve_conduction": [
    {"nerve": "median", "side": "right", "type": "motor", "f_wave": true},
    {"nerve": "median", "side": "right", "type": "sensory"},
    {"nerve": "ulnar", "side": "right", "type": "motor", "f_wave": true},
    {"nerve": "ulnar", "side": "right", "type": "sensory"},
    {"nerve": "radial", "side": "right", "type": "sensory"}
  ]
})"},
    {"cranial-bilateral", R"({
  "id": "cranial-bilateral",
  "date_of_service": "2025-04-14",
  "diagnoses": ["G51.0"],
  "cranial_muscles": [
    {"name": "orbicularis oris", "side": "right"},
    {"name": "trapezius", "side": "left"}
  ]
})"},
    {"leg-and-thoracic-paraspinals", R"({
  "id": "leg-and-thoracic-paraspinals",
  "date_of_service": "2025-04-15",
  "diagnoses": ["M54.14", "M54.16"],
  "extremities": [
    {"limb": "right_leg", "muscles": ["TA", "MG", "VL", "gluteus medius", "EHL", "BFSH"]}
  ],
  "thoracic_paraspinal_levels": ["T8", "T9", "T10"]
})"},
    {"lumbar-radiculopathy-no-ncs", R"({
  "id": "lumbar-radiculopathy-no-ncs",
  "date_of_service": "2025-04-08",
  "diagnoses": ["M54.16"],
  "extremities": [
    {"limb": "left_leg", "muscles": ["TA", "EHL", "peroneus longus", "MG", "gluteus medius", "vastus medialis", "tibialis posterior"], "paraspinal_levels": ["L4", "L5", "S1"]}
  ]
})"},
    {"myasthenia-workup", R"({
  "id": "myasthenia-workup",
  "date_of_service": "2025-04-10",
  "diagnoses": ["G70.00"],
  "neuromuscular_junction": [
    {"nerve": "ulnar", "side": "right"},
    {"nerve": "spinal accessory", "side": "right"}
  ],
  "single_fiber_muscles": ["extensor digitorum communis"]
})"},
    {"professional-two-legs", R"({
  "id": "professional-two-legs",
  "date_of_service": "2025-04-11",
  "diagnoses": ["G62.9"],
  "provider_role": "professional",
  "extremities": [
    {"limb": "left_leg", "muscles": ["TA", "MG", "VL", "gluteus medius", "EHL"]},
    {"limb": "right_leg", "muscles": ["TA", "MG", "VL", "gluteus medius", "EHL"]}
  ],
  "nerve_conduction": [
    {"nerve": "peroneal", "side": "left", "type": "motor"},
    {"nerve": "tibial", "side": "left", "type": "motor"},
    {"nerve": "sural", "side": "left", "type": "sensory"},
    {"nerve": "superficial peroneal", "side": "left", "type": "sensory"},
    {"nerve": "tibial", "side": "left", "type": "h_reflex"},
    {"nerve": "peroneal", "side": "right", "type": "motor"},
    {"nerve": "tibial", "side": "right", "type": "motor"},
    {"nerve": "sural", "side": "right", "type": "sensory"},
    {"nerve": "superficial peroneal", "side": "right", "type": "sensory"},
    {"nerve": "tibial", "side": "right", "type": "h_reflex"}
  ]
})"},
};

TEST_CASE("every example case reads", "[case]") {
    CaseReader reader(&standard_muscles().index);
    Arena arena;
    for (const auto& example : examples) {
        INFO(example.name);
        arena.reset();
        Value c = read_ok(reader, example.json, arena);
        CHECK(text(field(c, shape_case, case_field::id)) == example.name);
    }
}

TEST_CASE("the contract's example case builds the records in schema order", "[case]") {
    CaseReader reader(&standard_muscles().index);
    Arena arena;
    Value c = read_ok(reader, R"({
      "id": "right-arm-01",
      "date_of_service": "2025-03-14",
      "provider_role": "global",
      "diagnoses": ["G56.01"],
      "extremities": [
        {
          "limb": "right_arm",
          "muscles": ["APB", "FDI", "pronator teres",
                      {"name": "biceps", "nerve": "musculocutaneous", "roots": ["C5", "C6"]}],
          "paraspinal_levels": ["C6", "C7"]
        }
      ],
      "thoracic_paraspinal_levels": ["T6", "T7"],
      "cranial_muscles": [{"name": "orbicularis oculi", "side": "right"}],
      "axial_muscles": [{"name": "rectus abdominis", "side": "left"}],
      "larynx": false,
      "hemidiaphragm": ["left"],
      "single_fiber_muscles": [],
      "nerve_conduction": [
        {"nerve": "median", "side": "right", "type": "motor", "f_wave": true},
        {"nerve": "median", "side": "right", "type": "sensory"},
        {"nerve": "tibial", "side": "left", "type": "h_reflex"}
      ]
    })",
                      arena);

    CHECK(text(field(c, shape_case, case_field::id)) == "right-arm-01");
    CHECK(text(field(c, shape_case, case_field::date_of_service)) == "2025-03-14");
    CHECK(text(field(c, shape_case, case_field::provider_role)) == "global");
    CHECK(texts(field(c, shape_case, case_field::diagnoses)) == std::vector<std::string>{"G56.01"});
    CHECK(texts(field(c, shape_case, case_field::thoracic_paraspinal_levels)) ==
          std::vector<std::string>{"T6", "T7"});
    CHECK_FALSE(field(c, shape_case, case_field::larynx).boolean);
    CHECK(texts(field(c, shape_case, case_field::hemidiaphragm)) ==
          std::vector<std::string>{"left"});
    CHECK(field(c, shape_case, case_field::single_fiber_muscles).list().empty());
    CHECK(field(c, shape_case, case_field::neuromuscular_junction).list().empty());
    CHECK(field(c, shape_case, case_field::history).list().empty());
    CHECK(field(c, shape_case, case_field::claim).list().empty());

    const Value& extremities = field(c, shape_case, case_field::extremities);
    REQUIRE(extremities.list().size() == 1);
    const Value& arm = extremities.list()[0];
    CHECK(text(field(arm, shape_extremity, extremity_field::limb)) == "right_arm");
    CHECK(texts(field(arm, shape_extremity, extremity_field::paraspinal_levels)) ==
          std::vector<std::string>{"C6", "C7"});
    const Value& muscles = field(arm, shape_extremity, extremity_field::muscles);
    REQUIRE(muscles.list().size() == 4);
    struct Expected {
        std::string name, nerve;
        std::vector<std::string> roots;
    };
    const Expected expected[] = {
        {"abductor pollicis brevis", "median", {"C8", "T1"}},
        {"first dorsal interosseous", "ulnar", {"C8", "T1"}},
        {"pronator teres", "median", {"C6", "C7"}},
        {"biceps brachii", "musculocutaneous", {"C5", "C6"}},
    };
    for (std::size_t i = 0; i < 4; ++i) {
        INFO("muscle " << i);
        const Value& m = muscles.list()[i];
        CHECK(text(field(m, shape_muscle, muscle_field::name)) == expected[i].name);
        CHECK(text(field(m, shape_muscle, muscle_field::nerve)) == expected[i].nerve);
        CHECK(texts(field(m, shape_muscle, muscle_field::roots)) == expected[i].roots);
    }

    const Value& cranial = field(c, shape_case, case_field::cranial_muscles).list()[0];
    CHECK(text(field(cranial, shape_sided_muscle, sided_muscle_field::name)) ==
          "orbicularis oculi");
    CHECK(text(field(cranial, shape_sided_muscle, sided_muscle_field::side)) == "right");
    const Value& axial = field(c, shape_case, case_field::axial_muscles).list()[0];
    CHECK(text(field(axial, shape_sided_muscle, sided_muscle_field::name)) == "rectus abdominis");
    CHECK(text(field(axial, shape_sided_muscle, sided_muscle_field::side)) == "left");

    const Value& studies = field(c, shape_case, case_field::nerve_conduction);
    REQUIRE(studies.list().size() == 3);
    const Value& motor = studies.list()[0];
    CHECK(text(field(motor, shape_nerve_study, nerve_study_field::nerve)) == "median");
    CHECK(text(field(motor, shape_nerve_study, nerve_study_field::side)) == "right");
    CHECK(text(field(motor, shape_nerve_study, nerve_study_field::type)) == "motor");
    CHECK(field(motor, shape_nerve_study, nerve_study_field::f_wave).boolean);
    CHECK_FALSE(field(studies.list()[1], shape_nerve_study, nerve_study_field::f_wave).boolean);
    CHECK(text(field(studies.list()[2], shape_nerve_study, nerve_study_field::type)) == "h_reflex");
}

TEST_CASE("absent fields default to empty, provider_role to global", "[case]") {
    CaseReader reader(&standard_muscles().index);
    Arena arena;
    Value c = read_ok(reader, R"({"id": "bare"})", arena);
    CHECK(text(field(c, shape_case, case_field::id)) == "bare");
    CHECK(text(field(c, shape_case, case_field::date_of_service)).empty());
    CHECK(text(field(c, shape_case, case_field::provider_role)) == "global");
    CHECK_FALSE(field(c, shape_case, case_field::larynx).boolean);
    for (std::uint32_t list :
         {case_field::diagnoses, case_field::extremities, case_field::thoracic_paraspinal_levels,
          case_field::cranial_muscles, case_field::axial_muscles, case_field::hemidiaphragm,
          case_field::single_fiber_muscles, case_field::nerve_conduction,
          case_field::neuromuscular_junction, case_field::history, case_field::claim}) {
        INFO("field " << list);
        const Value& v = field(c, shape_case, list);
        CHECK(v.kind == Kind::List);
        CHECK(v.list().empty());
    }

    Value limb =
        field(read_ok(reader, R"({"id": "x", "extremities": [{"limb": "left_leg"}]})", arena),
              shape_case, case_field::extremities)
            .list()[0];
    CHECK(field(limb, shape_extremity, extremity_field::muscles).list().empty());
    CHECK(field(limb, shape_extremity, extremity_field::paraspinal_levels).list().empty());

    Value line = field(read_ok(reader, R"({"id": "x", "claim": [{"code": "95886"}]})", arena),
                       shape_case, case_field::claim)
                     .list()[0];
    CHECK(field(line, shape_claim_line, claim_line_field::units).number == 1);
    CHECK(field(line, shape_claim_line, claim_line_field::modifiers).list().empty());
}

TEST_CASE("history, claim lines, studies and sides", "[case]") {
    CaseReader reader(&standard_muscles().index);
    Arena arena;
    Value c = read_ok(reader, R"({
      "id": "review",
      "provider_role": "technical",
      "larynx": true,
      "hemidiaphragm": ["right", "left"],
      "cranial_muscles": [{"name": "masseter", "side": "bilateral"}],
      "neuromuscular_junction": [{"nerve": "spinal accessory", "side": "left"}],
      "nerve_conduction": [{"nerve": "sural", "side": "left", "type": "sensory", "f_wave": false},
                           {"nerve": "median", "side": "left", "type": "mixed"}],
      "history": [{"date_of_service": "2024-02-29", "codes": ["95886", "95910"]},
                  {"date_of_service": "2000-02-29"}],
      "claim": [{"code": "95886", "units": 2, "modifiers": ["TC", "59"]},
                {"code": "G0255", "units": 9999},
                {"code": "0106T", "units": 1, "modifiers": []}]
    })",
                      arena);
    CHECK(text(field(c, shape_case, case_field::provider_role)) == "technical");
    CHECK(field(c, shape_case, case_field::larynx).boolean);
    CHECK(texts(field(c, shape_case, case_field::hemidiaphragm)) ==
          std::vector<std::string>{"right", "left"});
    const Value& cranial = field(c, shape_case, case_field::cranial_muscles).list()[0];
    CHECK(text(field(cranial, shape_sided_muscle, sided_muscle_field::side)) == "bilateral");
    const Value& nmj = field(c, shape_case, case_field::neuromuscular_junction).list()[0];
    CHECK(text(field(nmj, shape_nmj_study, nmj_study_field::nerve)) == "spinal accessory");
    CHECK(text(field(nmj, shape_nmj_study, nmj_study_field::side)) == "left");

    const Value& history = field(c, shape_case, case_field::history);
    REQUIRE(history.list().size() == 2);
    CHECK(text(field(history.list()[0], shape_encounter, encounter_field::date_of_service)) ==
          "2024-02-29");
    CHECK(texts(field(history.list()[0], shape_encounter, encounter_field::codes)) ==
          std::vector<std::string>{"95886", "95910"});
    CHECK(field(history.list()[1], shape_encounter, encounter_field::codes).list().empty());

    const Value& claim = field(c, shape_case, case_field::claim);
    REQUIRE(claim.list().size() == 3);
    const Value& first = claim.list()[0];
    CHECK(text(field(first, shape_claim_line, claim_line_field::code)) == "95886");
    CHECK(field(first, shape_claim_line, claim_line_field::units).kind == Kind::Number);
    CHECK(field(first, shape_claim_line, claim_line_field::units).number == 2);
    CHECK(texts(field(first, shape_claim_line, claim_line_field::modifiers)) ==
          std::vector<std::string>{"TC", "59"});
    CHECK(field(claim.list()[1], shape_claim_line, claim_line_field::units).number == 9999);
    CHECK(text(field(claim.list()[2], shape_claim_line, claim_line_field::code)) == "0106T");
}

TEST_CASE("limb muscles resolve through the muscle table", "[case]") {
    CaseReader reader(&standard_muscles().index);
    Arena arena;
    auto muscles_of = [&](std::string_view json) {
        Value c = read_ok(reader, json, arena);
        return field(field(c, shape_case, case_field::extremities).list()[0], shape_extremity,
                     extremity_field::muscles);
    };
    auto muscle = [](const Value& list, std::size_t i) {
        const Value& m = list.list()[i];
        return std::tuple{text(field(m, shape_muscle, muscle_field::name)),
                          text(field(m, shape_muscle, muscle_field::nerve)),
                          texts(field(m, shape_muscle, muscle_field::roots))};
    };
    using Roots = std::vector<std::string>;

    SECTION("names and abbreviations match ignoring case") {
        Value list = muscles_of(R"({"id": "x", "extremities": [{"limb": "right_arm",
            "muscles": ["apb", "Pronator Teres", "ABDUCTOR DIGITI QUINTI", "Bic"]}]})");
        CHECK(muscle(list, 0) ==
              std::tuple{"abductor pollicis brevis", "median", Roots{"C8", "T1"}});
        CHECK(muscle(list, 1) == std::tuple{"pronator teres", "median", Roots{"C6", "C7"}});
        CHECK(muscle(list, 2) == std::tuple{"abductor digiti minimi", "ulnar", Roots{"C8", "T1"}});
        CHECK(muscle(list, 3) ==
              std::tuple{"biceps brachii", "musculocutaneous", Roots{"C5", "C6"}});
    }
    SECTION("an object's nerve and roots override the table's") {
        // One limb each: in one limb, the same muscle with another nerve is refused.
        auto first_of = [&](std::string_view muscle_json) {
            return muscle(muscles_of(R"({"id": "x", "extremities": [{"limb": "right_arm", )"
                                     R"("muscles": [)" +
                                     std::string(muscle_json) + "]}]}"),
                          0);
        };
        CHECK(first_of(R"({"name": "APB"})") ==
              std::tuple{"abductor pollicis brevis", "median", Roots{"C8", "T1"}});
        CHECK(first_of(R"({"name": "apb", "nerve": "anterior interosseous"})") ==
              std::tuple{"abductor pollicis brevis", "anterior interosseous", Roots{"C8", "T1"}});
        CHECK(first_of(R"({"name": "APB", "roots": ["C8"]})") ==
              std::tuple{"abductor pollicis brevis", "median", Roots{"C8"}});
        CHECK(first_of(
                  R"({"roots": ["T1"], "nerve": "ulnar", "name": "abductor pollicis brevis"})") ==
              std::tuple{"abductor pollicis brevis", "ulnar", Roots{"T1"}});
    }
    SECTION("a key written as an earlier row's in other capitals names the earlier row") {
        // Found as written or lower-cased, a name gets the same row: the first row to have
        // the name ignoring case, as the table reads.
        Muscles clash({{{"teres minor", "TM"}, "axillary", {"C5", "C6"}},
                       {{"tensor fasciae latae", "tm", "TFL"}, "superior gluteal", {"L4", "L5"}}});
        CaseReader clashing(&clash.index);
        for (std::string_view name : {"TM", "tm", "Tm"}) {
            Value c = read_ok(clashing,
                              R"({"id": "x", "extremities": [{"limb": "right_arm", "muscles": [")" +
                                  std::string(name) + R"("]}]})",
                              arena);
            Value list = field(field(c, shape_case, case_field::extremities).list()[0],
                               shape_extremity, extremity_field::muscles);
            CHECK(muscle(list, 0) == std::tuple{"teres minor", "axillary", Roots{"C5", "C6"}});
        }
        std::string lower;
        REQUIRE(clash.index.find("TFL", lower));
        CHECK(clash.index.find("TFL", lower)->row == &clash.rows[1]);
        CHECK(!clash.index.find("tibialis", lower));
        CHECK(lower == "tibialis"); // for the error's "belongs elsewhere" look-up
    }
    SECTION("every case naming a muscle shares its table's record") {
        Value a = muscles_of(R"({"id": "a", "extremities": [{"limb": "right_arm",
            "muscles": ["APB"]}]})");
        Value b = muscles_of(R"({"id": "b", "extremities": [{"limb": "right_arm",
            "muscles": ["apb"]}]})");
        CHECK(a.list()[0].items == b.list()[0].items);
    }
    SECTION("a muscle the table lacks is taken as given") {
        Value list = muscles_of(R"({"id": "x", "extremities": [{"limb": "right_arm", "muscles": [
            {"name": "flexor digitorum profundus", "nerve": "ulnar", "roots": ["C8", "T1"]},
            {"name": "anconeus", "nerve": "radial", "roots": []}]}]})");
        CHECK(muscle(list, 0) ==
              std::tuple{"flexor digitorum profundus", "ulnar", Roots{"C8", "T1"}});
        CHECK(muscle(list, 1) == std::tuple{"anconeus", "radial", Roots{}});
    }
    SECTION("without a muscle table, objects with name, nerve and roots still read") {
        CaseReader bare(nullptr);
        Value c = read_ok(bare, R"({"id": "x", "extremities": [{"limb": "right_arm", "muscles": [
            {"name": "APB", "nerve": "median", "roots": ["C8", "T1"]}]}]})",
                          arena);
        Value list = field(field(c, shape_case, case_field::extremities).list()[0], shape_extremity,
                           extremity_field::muscles);
        CHECK(muscle(list, 0) == std::tuple{"APB", "median", Roots{"C8", "T1"}});
    }
}

TEST_CASE("strings are unescaped and copied into the arena", "[case]") {
    CaseReader reader(&standard_muscles().index);
    Arena first, second;
    Value a = read_ok(reader, R"({"id": "caf\u00e9 \"1\"\\", "diagnoses": ["G56.01"]})", first);
    // Reading another case reuses the reader's buffers; the first case's strings stay intact.
    Value b = read_ok(reader, R"({"id": "other", "diagnoses": ["X00.000", "Y00.000"]})", second);
    CHECK(text(field(a, shape_case, case_field::id)) == "caf\xc3\xa9 \"1\"\\");
    CHECK(texts(field(a, shape_case, case_field::diagnoses)) == std::vector<std::string>{"G56.01"});
    CHECK(text(field(b, shape_case, case_field::id)) == "other");
}

TEST_CASE("a byte-order mark and surrounding white space are accepted", "[case]") {
    CaseReader reader(&standard_muscles().index);
    Arena arena;
    Value c = read_ok(reader, "\xEF\xBB\xBF \n {\"id\": \"bom\"} \n\t ", arena);
    CHECK(text(field(c, shape_case, case_field::id)) == "bom");
}

TEST_CASE("a reused reader and arena do not grow in steady state", "[case]") {
    CaseReader reader(&standard_muscles().index);
    Arena arena;
    for (const auto& example : examples) {
        arena.reset();
        read_ok(reader, example.json, arena);
    }
    std::size_t reserved = arena.reserved_bytes();
    for (int round = 0; round < 50; ++round) {
        for (const auto& example : examples) {
            arena.reset();
            read_ok(reader, example.json, arena);
        }
    }
    CHECK(arena.reserved_bytes() == reserved);
}

TEST_CASE("large cases read", "[case]") {
    CaseReader reader(&standard_muscles().index);
    Arena arena;
    std::string json = R"({"id": "big", "diagnoses": [)";
    const int count = 200000;
    for (int i = 0; i < count; ++i)
        json += i == 0 ? "\"G56.01\"" : ", \"G56.01\"";
    json += R"(], "extremities": [{"limb": "left_arm", "muscles": [)";
    for (int i = 0; i < count; ++i)
        json += i == 0 ? "\"APB\"" : ", \"apb\"";
    json += "]}]}";
    REQUIRE(json.size() > 2'000'000);
    Value c = read_ok(reader, json, arena);
    CHECK(field(c, shape_case, case_field::diagnoses).list().size() == count);
    const Value& limb = field(c, shape_case, case_field::extremities).list()[0];
    CHECK(field(limb, shape_extremity, extremity_field::muscles).list().size() == count);
    // The reader keeps working on small cases after a big one.
    arena.reset();
    read_ok(reader, examples[0].json, arena);
}

// --- Bad cases ---------------------------------------------------------------------------------

struct Bad {
    std::string json;
    std::string path;
    std::string message;
};

void check_errors(CaseReader& reader, const std::vector<Bad>& bad, std::string_view case_id = "c") {
    for (const auto& b : bad) {
        INFO(b.json.substr(0, 200));
        CaseError error = read_error(reader, b.json);
        CHECK(error.case_id == case_id);
        CHECK(error.path == b.path);
        CHECK(error.message == b.message);
    }
}

TEST_CASE("input that is not a JSON object", "[case][error]") {
    CaseReader reader(&standard_muscles().index);
    const std::string unbalanced = "the case is not valid JSON: an object or list is not closed";
    const std::string trailing = "the case is not valid JSON: there is more after the case object";
    // Errors found before the id can be read: the case has no id.
    check_errors(
        reader,
        {
            {"", "", "the case is empty: expected a JSON object"},
            {" \n\t", "", "the case is empty: expected a JSON object"},
            {"\xEF\xBB\xBF", "", "the case is empty: expected a JSON object"},
            {"[1, 2]", "", "expected a JSON object holding one case, not a list"},
            {R"("c")", "", "expected a JSON object holding one case"},
            {"null", "", "expected a JSON object holding one case"},
            {"42", "", "expected a JSON object holding one case"},
            {"hello", "", "the case is not valid JSON at column 1"},
            // Words that begin as null and true do are no JSON, not a value of another type.
            {"nope", "",
             "the case is not valid JSON: a word other than true, false or null at "
             "column 2"},
            {"tru", "", "the case is not valid JSON at column 4"},
            {"1.", "",
             "the case is not valid JSON: a number is malformed or out of range at "
             "column 3"},
            {"{", "", unbalanced + " at column 2"},
            {"}", "", "the case is not valid JSON at column 1"},
            {R"({"id": "c", "diagnoses": ["a")", "", unbalanced + " at column 30"},
            // Where the text ends, for what the end left open.
            {R"({"id": "c)", "", "the case is not valid JSON: a string is not closed at column 10"},
            // A bracket closed by the other kind, then text: said where it is.
            {R"({"id": "c", "diagnoses": ["G56.01"}} x)", "",
             "the case is not valid JSON at column 35"},
            {"{\"id\": \"c\xff\"}", "", "the case is not valid UTF-8: byte 0xFF at column 10"},
            {"{\"id\": \"c\",\n \"diagnoses\": [\"G56.01\", \"\xc3\x28\"]}", "",
             "the case is not valid UTF-8: byte 0xC3 at line 2, column 27"},
        },
        "");
    // Errors found after the id: the error names the case.
    check_errors(
        reader,
        {
            {R"({"id": "c", "larynx": tru})", "", "the case is not valid JSON at column 23"},
            {R"({"id": "c", "diagnoses": ["G20" "G21"]})", "",
             "the case is not valid JSON at column 33"},
            {R"({"id": "c" "larynx": true})", "", "the case is not valid JSON at column 12"},
            {R"({"id": "c"} {"id": "d"})", "", trailing + " at column 13"},
            // The parser calls these an object not closed: the case closes, and text follows.
            {R"({"id": "c"} 1)", "", trailing + " at column 13"},
            {R"({"id": "c"}])", "", trailing + " at column 12"},
            {"{\"id\": \"c\"}\n\n  x", "", trailing + " at line 3, column 3"},
            // A field the reader refuses, then more: the text after the case is the fault.
            {R"({"id": "c", "extremities": "x"}})", "", trailing + " at column 32"},
        });
    // Without an id, too: `cpl serve`'s FHIR Claim gives a study its id, and was told the id
    // was missing where a stray brace followed the study.
    check_errors(reader, {{R"({"larynx": true}})", "", trailing + " at column 17"}}, "");
    // A list cut short is broken JSON first; a whole one is not a case. Neither has an id.
    check_errors(reader,
                 {{R"([{"id": "a"}, {"id": "b"})", "", unbalanced + " at column 26"},
                  {R"([{"id": "a"}])", "", "expected a JSON object holding one case, not a list"}},
                 "");
    // A key that is empty is named as written, not as an index of a list.
    check_errors(reader, {{R"({"id": "c", "": 1})", R"("")", R"(unknown field "")"},
                          {R"({"id": "c", "extremities": [{"limb": "left_arm", "": 1}]})",
                           R"(extremities[0]."")", R"(unknown field "")"}});
}

TEST_CASE("deep nesting is an error, not a crash", "[case][error]") {
    CaseReader reader(&standard_muscles().index);
    const std::size_t depth = 100000;
    std::string open(depth, '['), close(depth, ']');
    check_errors(reader,
                 {
                     {open + close, "", "expected a JSON object holding one case, not a list"},
                     // A list cut short is broken JSON first, said with where it breaks.
                     {open, "",
                      "the case is not valid JSON: an object or list is not closed at column "
                      "100001"},
                     {R"({"id": "c", "diagnoses": )" + open, "",
                      "the case is not valid JSON: an object or list is not closed at column "
                      "100026"},
                 },
                 "");
    check_errors(reader, {
                             {R"({"id": "c", "diagnoses": )" + open + close + "}", "diagnoses[0]",
                              "expected a string"},
                             {R"({"id": "c", "larynx": )" + open + close + "}", "larynx",
                              "expected true or false"},
                             // The id is found after an error before it, past the deep value.
                             {R"({"nested": )" + open + close + R"(, "id": "c"})", "nested",
                              R"(unknown field "nested")"},
                         });
}

TEST_CASE("the id is required and names the case in every error", "[case][error]") {
    CaseReader reader(&standard_muscles().index);
    check_errors(reader,
                 {
                     {"{}", "", R"(missing field "id")"},
                     {R"({"larynx": true})", "", R"(missing field "id")"},
                     {R"({"id": 5})", "id", "expected a string"},
                     {R"({"id": null})", "id", "expected a string"},
                     {R"({"id": ["c"]})", "id", "expected a string"},
                     {R"({"id": ""})", "id", "must not be empty"},
                 },
                 "");
    // An error before the id still names the case.
    check_errors(reader, {{R"({"larynx": 1, "id": "c"})", "larynx", "expected true or false"}});

    CaseError missing = read_error(reader, "{}");
    CHECK(missing.help == R"(every case needs an id, e.g. "id": "right-arm-01")");
}

TEST_CASE("unknown and repeated fields", "[case][error]") {
    CaseReader reader(&standard_muscles().index);
    check_errors(
        reader,
        {
            {R"({"id": "c", "diagnosis": ["G56.01"]})", "diagnosis",
             R"(unknown field "diagnosis"; did you mean "diagnoses"?)"},
            {R"({"diagnosis": ["G56.01"], "id": "c"})", "diagnosis",
             R"(unknown field "diagnosis"; did you mean "diagnoses"?)"},
            {R"({"id": "c", "Larynx": true})", "Larynx",
             R"(unknown field "Larynx"; did you mean "larynx"?)"},
            {R"({"id": "c", "notes": "x"})", "notes", R"(unknown field "notes")"},
            {R"({"id": "c", "larynx": true, "larynx": false})", "larynx",
             R"(field "larynx" is given twice)"},
            {R"({"id": "c", "extremities": [{"limb": "left_arm", "muscle": []}]})",
             "extremities[0].muscle", R"(unknown field "muscle"; did you mean "muscles"?)"},
            {R"({"id": "c", "extremities": [{"limb": "left_arm", "muscles": [{"name": "APB", "nerv": "x"}]}]})",
             "extremities[0].muscles[0].nerv", R"(unknown field "nerv"; did you mean "nerve"?)"},
            {R"({"id": "c", "cranial_muscles": [{"name": "frontalis", "sides": "left"}]})",
             "cranial_muscles[0].sides", R"(unknown field "sides"; did you mean "side"?)"},
            {R"({"id": "c", "nerve_conduction": [{"nerve": "sural", "side": "left", "type": "sensory", "fwave": false}]})",
             "nerve_conduction[0].fwave", R"(unknown field "fwave"; did you mean "f_wave"?)"},
            {R"({"id": "c", "neuromuscular_junction": [{"nerve": "ulnar", "side": "left", "type": "motor"}]})",
             "neuromuscular_junction[0].type", R"(unknown field "type")"},
            {R"({"id": "c", "history": [{"date": "2025-01-01"}]})", "history[0].date",
             R"(unknown field "date")"},
            {R"({"id": "c", "claim": [{"code": "95886", "unit": 1}]})", "claim[0].unit",
             R"(unknown field "unit"; did you mean "units"?)"},
            {R"({"id": "c", "claim": [{"code": "95886", "modifiers": [], "modifiers": []}]})",
             "claim[0].modifiers", R"(field "modifiers" is given twice)"},
        });
    CaseError unknown = read_error(reader, R"({"id": "c", "history": [{"date": "2025-01-01"}]})");
    CHECK(unknown.help == R"(the fields here are "date_of_service", "codes")");
    CaseError suggested = read_error(reader, R"({"id": "c", "diagnosis": []})");
    CHECK(suggested.help.empty());
}

TEST_CASE("wrong JSON types", "[case][error]") {
    CaseReader reader(&standard_muscles().index);
    check_errors(
        reader,
        {
            {R"({"id": "c", "date_of_service": 20250314})", "date_of_service", "expected a string"},
            {R"({"id": "c", "provider_role": null})", "provider_role", "expected a string"},
            {R"({"id": "c", "diagnoses": "G56.01"})", "diagnoses", "expected a list of strings"},
            {R"({"id": "c", "diagnoses": null})", "diagnoses", "expected a list of strings"},
            {R"({"id": "c", "diagnoses": ["G56.01", 56.01]})", "diagnoses[1]", "expected a string"},
            {R"({"id": "c", "diagnoses": [null]})", "diagnoses[0]", "expected a string"},
            // Not an ICD-10-CM code as on a claim form: no table would match it.
            {R"({"id": "c", "diagnoses": ["G56.01", "Z7901"]})", "diagnoses[1]",
             R"(expected an ICD-10-CM code such as "G56.01", got "Z7901")"},
            {R"({"id": "c", "diagnoses": ["g56.01"]})", "diagnoses[0]",
             R"(expected an ICD-10-CM code such as "G56.01", got "g56.01")"},
            {R"({"id": "c", "diagnoses": ["carpal tunnel"]})", "diagnoses[0]",
             R"(expected an ICD-10-CM code such as "G56.01", got "carpal tunnel")"},
            {R"({"id": "c", "diagnoses": [{"code": "G56.01"}]})", "diagnoses[0]",
             "expected a string"},
            {R"({"id": "c", "single_fiber_muscles": [["EDC"]]})", "single_fiber_muscles[0]",
             "expected a string"},
            {R"({"id": "c", "larynx": "true"})", "larynx", "expected true or false"},
            {R"({"id": "c", "larynx": 1})", "larynx", "expected true or false"},
            {R"({"id": "c", "larynx": null})", "larynx", "expected true or false"},
            {R"({"id": "c", "extremities": {"limb": "left_arm"}})", "extremities",
             "expected a list of objects"},
            {R"({"id": "c", "extremities": ["left_arm"]})", "extremities[0]", "expected an object"},
            {R"({"id": "c", "extremities": [{"limb": "left_arm", "muscles": "APB"}]})",
             "extremities[0].muscles", "expected a list of muscles"},
            {R"({"id": "c", "extremities": [{"limb": "left_arm", "muscles": ["APB", 7]}]})",
             "extremities[0].muscles[1]",
             R"(expected a muscle name or an object with "name", "nerve" and "roots")"},
            {R"({"id": "c", "extremities": [{"limb": "left_arm", "muscles": [null]}]})",
             "extremities[0].muscles[0]",
             R"(expected a muscle name or an object with "name", "nerve" and "roots")"},
            {R"({"id": "c", "extremities": [{"limb": "left_arm", "muscles": [{"name": "APB", "roots": "C8"}]}]})",
             "extremities[0].muscles[0].roots", "expected a list of strings"},
            {R"({"id": "c", "extremities": [{"limb": "left_arm", "muscles": [{"name": 1}]}]})",
             "extremities[0].muscles[0].name", "expected a string"},
            {R"({"id": "c", "extremities": [{"limb": "left_arm", "paraspinal_levels": "C6"}]})",
             "extremities[0].paraspinal_levels", "expected a list of strings"},
            {R"({"id": "c", "cranial_muscles": ["frontalis"]})", "cranial_muscles[0]",
             "expected an object"},
            {R"({"id": "c", "axial_muscles": [{"name": "rectus abdominis", "side": 1}]})",
             "axial_muscles[0].side", "expected a string"},
            {R"({"id": "c", "hemidiaphragm": "left"})", "hemidiaphragm",
             "expected a list of strings"},
            {R"({"id": "c", "hemidiaphragm": [true]})", "hemidiaphragm[0]", "expected a string"},
            {R"({"id": "c", "nerve_conduction": [{"nerve": "sural", "side": "left", "type": "sensory", "f_wave": "no"}]})",
             "nerve_conduction[0].f_wave", "expected true or false"},
            {R"({"id": "c", "nerve_conduction": [{"nerve": ["sural"], "side": "left", "type": "sensory"}]})",
             "nerve_conduction[0].nerve", "expected a string"},
            {R"({"id": "c", "history": [{"date_of_service": "2025-01-01", "codes": "95886"}]})",
             "history[0].codes", "expected a list of codes"},
            {R"({"id": "c", "history": [{"date_of_service": "2025-01-01", "codes": [95886]}]})",
             "history[0].codes[0]", "expected a string"},
            {R"({"id": "c", "claim": [{"code": 95886}]})", "claim[0].code", "expected a string"},
            {R"({"id": "c", "claim": [{"code": "95886", "modifiers": "26"}]})",
             "claim[0].modifiers", "expected a list of strings"},
            {R"({"id": "c", "claim": [{"code": "95886", "modifiers": [26]}]})",
             "claim[0].modifiers[0]", "expected a string"},
            {R"({"id": "c", "claim": {"code": "95886"}})", "claim", "expected a list of objects"},
        });
}

TEST_CASE("enumerated values", "[case][error]") {
    CaseReader reader(&standard_muscles().index);
    check_errors(
        reader,
        {
            {R"({"id": "c", "provider_role": "profesional"})", "provider_role",
             R"(unknown provider_role "profesional"; did you mean "professional"?)"},
            {R"({"id": "c", "provider_role": "Global"})", "provider_role",
             R"(unknown provider_role "Global"; did you mean "global"?)"},
            {R"({"id": "c", "provider_role": "facility"})", "provider_role",
             R"(unknown provider_role "facility")"},
            {R"({"id": "c", "extremities": [{"limb": "rigth_arm"}]})", "extremities[0].limb",
             R"(unknown limb "rigth_arm"; did you mean "right_arm"?)"},
            {R"({"id": "c", "extremities": [{"limb": "arm"}]})", "extremities[0].limb",
             R"(unknown limb "arm")"},
            {R"({"id": "c", "hemidiaphragm": ["left", "rigt"]})", "hemidiaphragm[1]",
             R"(unknown side "rigt"; did you mean "right"?)"},
            {R"({"id": "c", "hemidiaphragm": ["bilateral"]})", "hemidiaphragm[0]",
             R"(unknown side "bilateral")"},
            {R"({"id": "c", "cranial_muscles": [{"name": "frontalis", "side": "lft"}]})",
             "cranial_muscles[0].side", R"(unknown side "lft"; did you mean "left"?)"},
            {R"({"id": "c", "axial_muscles": [{"name": "rectus abdominis", "side": "both"}]})",
             "axial_muscles[0].side", R"(unknown side "both")"},
            {R"({"id": "c", "nerve_conduction": [{"nerve": "median", "side": "bilateral", "type": "motor"}]})",
             "nerve_conduction[0].side", R"(unknown side "bilateral")"},
            {R"({"id": "c", "neuromuscular_junction": [{"nerve": "ulnar", "side": "Left"}]})",
             "neuromuscular_junction[0].side", R"(unknown side "Left"; did you mean "left"?)"},
            {R"({"id": "c", "nerve_conduction": [
                 {"nerve": "median", "side": "right", "type": "motor"},
                 {"nerve": "median", "side": "right", "type": "sensory"},
                 {"nerve": "tibial", "side": "left", "type": "motr"}]})",
             "nerve_conduction[2].type", R"(unknown type "motr"; did you mean "motor"?)"},
            {R"({"id": "c", "nerve_conduction": [{"nerve": "tibial", "side": "left", "type": "H-reflex"}]})",
             "nerve_conduction[0].type", R"(unknown type "H-reflex"; did you mean "h_reflex"?)"},
        });

    CHECK(read_error(reader, R"({"id": "c", "provider_role": "facility"})").help ==
          R"(use "global", "professional" or "technical")");
    CHECK(read_error(reader, R"({"id": "c", "extremities": [{"limb": "arm"}]})").help ==
          R"(use "left_arm", "right_arm", "left_leg" or "right_leg")");
    CHECK(read_error(reader, R"({"id": "c", "hemidiaphragm": ["both"]})").help ==
          R"(use "left" or "right")");
    CHECK(read_error(reader, R"({"id": "c", "cranial_muscles": [{"name": "x", "side": "both"}]})")
              .help == R"(use "left", "right" or "bilateral")");
    CHECK(read_error(
              reader,
              R"({"id": "c", "nerve_conduction": [{"nerve": "x", "side": "left", "type": "f"}]})")
              .help == R"(use "motor", "sensory", "mixed" or "h_reflex")");
}

TEST_CASE("each limb and each hemidiaphragm side at most once", "[case][error]") {
    CaseReader reader(&standard_muscles().index);
    check_errors(
        reader,
        {
            {R"({"id": "c", "extremities": [{"limb": "right_arm"}, {"limb": "right_arm"}]})",
             "extremities[1].limb", "right_arm is given twice (also at extremities[0])"},
            {R"({"id": "c", "extremities": [{"limb": "left_leg"}, {"limb": "right_leg"},
                                             {"limb": "right_arm"}, {"limb": "left_leg"}]})",
             "extremities[3].limb", "left_leg is given twice (also at extremities[0])"},
            {R"({"id": "c", "hemidiaphragm": ["right", "left", "right"]})", "hemidiaphragm[2]",
             "right is given twice (also at hemidiaphragm[0])"},
        });
}

TEST_CASE("a limb muscle given twice counts once, unless the two say different things of it",
          "[case][error]") {
    CaseReader reader(&standard_muscles().index);
    Arena arena;
    // An abbreviation beside the name, or other capitals: one muscle, read as given.
    Value c = read_ok(
        reader,
        R"({"id": "c", "extremities": [{"limb": "right_arm", "muscles": ["APB", "abductor pollicis brevis", "apb"]}]})",
        arena);
    const Value& arm = field(c, shape_case, case_field::extremities).list()[0];
    CHECK(field(arm, shape_extremity, extremity_field::muscles).list().size() == 3);
    check_errors(
        reader,
        {
            {R"({"id": "c", "extremities": [{"limb": "right_arm", "muscles": [{"name": "x", "nerve": "ulnar", "roots": ["C8"]}, "FDI", {"name": "X", "nerve": "radial", "roots": ["C8"]}]}]})",
             "extremities[0].muscles[2]",
             R"(muscle "X" is given twice (also at [0]) with another nerve ("ulnar" there, "radial" here))"},
            {R"({"id": "c", "extremities": [{"limb": "right_arm", "muscles": ["APB", {"name": "APB", "roots": ["C5"]}]}]})",
             "extremities[0].muscles[1]",
             R"(muscle "abductor pollicis brevis" is given twice (also at [0]) with other roots)"},
        });
    // A list longer than a study's (generated), read another way: the same answer.
    std::string long_list;
    for (int i = 0; i < 40; ++i)
        long_list +=
            R"({"name": "m)" + std::to_string(i) + R"(", "nerve": "ulnar", "roots": ["C8"]}, )";
    CaseError error = read_error(
        reader,
        R"({"id": "c", "extremities": [{"limb": "right_arm", "muscles": [)" + long_list +
            R"("APB", {"name": "M7", "nerve": "median", "roots": ["C8"]}, "abductor pollicis brevis", {"name": "m7", "nerve": "radial", "roots": ["C8"]}]}]})");
    CHECK(error.path == "extremities[0].muscles[41]");
    CHECK(
        error.message ==
        R"(muscle "M7" is given twice (also at [7]) with another nerve ("ulnar" there, "median" here))");
    // The same nerve in other capitals and the same roots in another order: one muscle.
    read_ok(
        reader,
        R"({"id": "c", "extremities": [{"limb": "left_leg", "muscles": [{"name": "y", "nerve": "Tibial", "roots": ["L5", "S1"]}, {"name": "y", "nerve": "tibial", "roots": ["S1", "L5"]}]}]})",
        arena);
}

TEST_CASE("required fields of list entries", "[case][error]") {
    CaseReader reader(&standard_muscles().index);
    check_errors(
        reader,
        {
            {R"({"id": "c", "extremities": [{"muscles": ["APB"]}]})", "extremities[0]",
             R"(missing field "limb")"},
            {R"({"id": "c", "cranial_muscles": [{"name": "frontalis"}]})", "cranial_muscles[0]",
             R"(missing field "side")"},
            {R"({"id": "c", "cranial_muscles": [{"side": "left"}]})", "cranial_muscles[0]",
             R"(missing field "name")"},
            {R"({"id": "c", "axial_muscles": [{"name": "rectus abdominis", "side": "left"}, {"name": "rectus abdominis"}]})",
             "axial_muscles[1]", R"(missing field "side")"},
            {R"({"id": "c", "axial_muscles": [{"name": "", "side": "left"}]})",
             "axial_muscles[0].name", "must not be empty"},
            {R"({"id": "c", "nerve_conduction": [{"side": "left", "type": "motor"}]})",
             "nerve_conduction[0]", R"(missing field "nerve")"},
            {R"({"id": "c", "nerve_conduction": [{"nerve": "median", "type": "motor"}]})",
             "nerve_conduction[0]", R"(missing field "side")"},
            {R"({"id": "c", "nerve_conduction": [{"nerve": "median", "side": "left"}]})",
             "nerve_conduction[0]", R"(missing field "type")"},
            {R"({"id": "c", "nerve_conduction": [{"nerve": "", "side": "left", "type": "motor"}]})",
             "nerve_conduction[0].nerve", "must not be empty"},
            {R"({"id": "c", "neuromuscular_junction": [{"side": "left"}]})",
             "neuromuscular_junction[0]", R"(missing field "nerve")"},
            {R"({"id": "c", "neuromuscular_junction": [{"nerve": "ulnar"}]})",
             "neuromuscular_junction[0]", R"(missing field "side")"},
            {R"({"id": "c", "history": [{"codes": ["95886"]}]})", "history[0]",
             R"(missing field "date_of_service")"},
            {R"({"id": "c", "claim": [{"units": 1}]})", "claim[0]", R"(missing field "code")"},
            {R"({"id": "c", "extremities": [{"limb": "left_arm", "muscles": [{"nerve": "median"}]}]})",
             "extremities[0].muscles[0]", R"(missing field "name")"},
        });
}

TEST_CASE("f_wave only on a motor study", "[case][error]") {
    CaseReader reader(&standard_muscles().index);
    check_errors(
        reader,
        {
            {R"({"id": "c", "nerve_conduction": [{"nerve": "median", "side": "right", "type": "sensory", "f_wave": true}]})",
             "nerve_conduction[0].f_wave",
             R"(f_wave applies only to a motor study, not a "sensory" one)"},
            // The order of the fields does not matter.
            {R"({"id": "c", "nerve_conduction": [{"nerve": "median", "side": "right", "type": "motor"},
                                                  {"f_wave": true, "type": "h_reflex", "nerve": "tibial", "side": "left"}]})",
             "nerve_conduction[1].f_wave",
             R"(f_wave applies only to a motor study, not a "h_reflex" one)"},
        });
}

// A frequency limit counts earlier encounters: one dated after the study dropped out unsaid.
TEST_CASE("history holds encounters on or before the date of service", "[case][error]") {
    CaseReader reader(&standard_muscles().index);
    Arena arena;
    read_ok(reader,
            R"({"id": "c", "date_of_service": "2025-03-14", "history": [)"
            R"({"date_of_service": "2025-03-14"}, {"date_of_service": "2024-03-14"}]})",
            arena);
    read_ok(reader, R"({"id": "c", "history": [{"date_of_service": "2099-01-01"}]})", arena);
    check_errors(reader,
                 {
                     {R"({"id": "c", "date_of_service": "2025-03-14", "history": [)"
                      R"({"date_of_service": "2024-01-02"}, {"date_of_service": "2025-03-15"}]})",
                      "history",
                      "its element [1] is dated 2025-03-15, after the date of service "
                      "2025-03-14: history holds the patient's earlier encounters"},
                 });
}

TEST_CASE("dates", "[case][error]") {
    CaseReader reader(&standard_muscles().index);
    Arena arena;
    for (const char* good :
         {"2025-03-14", "2024-02-29", "2000-02-29", "1999-12-31", "2025-01-31"}) {
        INFO(good);
        read_ok(reader, R"({"id": "c", "date_of_service": ")" + std::string(good) + "\"}", arena);
    }
    check_errors(
        reader,
        {
            {R"({"id": "c", "date_of_service": "2025/03/14"})", "date_of_service",
             R"(expected a date as YYYY-MM-DD, got "2025/03/14")"},
            {R"({"id": "c", "date_of_service": "2025-3-14"})", "date_of_service",
             R"(expected a date as YYYY-MM-DD, got "2025-3-14")"},
            {R"({"id": "c", "date_of_service": "14-03-2025"})", "date_of_service",
             R"(expected a date as YYYY-MM-DD, got "14-03-2025")"},
            {R"({"id": "c", "date_of_service": "2025-03-14T10:00"})", "date_of_service",
             R"(expected a date as YYYY-MM-DD, got "2025-03-14T10:00")"},
            {R"({"id": "c", "date_of_service": ""})", "date_of_service",
             R"(expected a date as YYYY-MM-DD, got "")"},
            {R"({"id": "c", "date_of_service": "2025-02-29"})", "date_of_service",
             R"("2025-02-29" is not a calendar date)"},
            {R"({"id": "c", "date_of_service": "1900-02-29"})", "date_of_service",
             R"("1900-02-29" is not a calendar date)"},
            {R"({"id": "c", "date_of_service": "2025-04-31"})", "date_of_service",
             R"("2025-04-31" is not a calendar date)"},
            {R"({"id": "c", "date_of_service": "2025-13-01"})", "date_of_service",
             R"("2025-13-01" is not a calendar date)"},
            {R"({"id": "c", "date_of_service": "2025-00-10"})", "date_of_service",
             R"("2025-00-10" is not a calendar date)"},
            {R"({"id": "c", "date_of_service": "2025-01-00"})", "date_of_service",
             R"("2025-01-00" is not a calendar date)"},
            {R"({"id": "c", "date_of_service": "0000-01-01"})", "date_of_service",
             R"("0000-01-01" is not a calendar date)"},
            {R"({"id": "c", "history": [{"date_of_service": "2025-01-01"}, {"date_of_service": "2023-02-29"}]})",
             "history[1].date_of_service", R"("2023-02-29" is not a calendar date)"},
            {R"({"id": "c", "history": [{"date_of_service": "yesterday"}]})",
             "history[0].date_of_service", R"(expected a date as YYYY-MM-DD, got "yesterday")"},
        });
}

TEST_CASE("spinal levels", "[case][error]") {
    CaseReader reader(&standard_muscles().index);
    Arena arena;
    read_ok(reader, R"({"id": "c", "thoracic_paraspinal_levels": ["T1", "T9", "T12"],
        "extremities": [{"limb": "left_leg", "paraspinal_levels": ["C1", "C8", "T12", "L1", "L5", "S1", "S5"]}]})",
            arena);
    check_errors(
        reader,
        {
            {R"({"id": "c", "thoracic_paraspinal_levels": ["T6", "T13"]})",
             "thoracic_paraspinal_levels[1]", R"(expected a thoracic level T1 to T12, got "T13")"},
            {R"({"id": "c", "thoracic_paraspinal_levels": ["t6"]})",
             "thoracic_paraspinal_levels[0]", R"(expected a thoracic level T1 to T12, got "t6")"},
            {R"({"id": "c", "thoracic_paraspinal_levels": ["L1"]})",
             "thoracic_paraspinal_levels[0]", R"(expected a thoracic level T1 to T12, got "L1")"},
            {R"({"id": "c", "thoracic_paraspinal_levels": ["T0"]})",
             "thoracic_paraspinal_levels[0]", R"(expected a thoracic level T1 to T12, got "T0")"},
            {R"({"id": "c", "extremities": [{"limb": "left_arm", "paraspinal_levels": ["C6", "C9"]}]})",
             "extremities[0].paraspinal_levels[1]",
             R"(expected a spinal level such as "C6" or "L5", got "C9")"},
            {R"({"id": "c", "extremities": [{"limb": "left_leg", "paraspinal_levels": ["L5-S1"]}]})",
             "extremities[0].paraspinal_levels[0]",
             R"(expected a spinal level such as "C6" or "L5", got "L5-S1")"},
            // A muscle's own roots count as levels of a complete limb: "c8" and "C8-T1" would
            // each be one more.
            {R"({"id": "c", "extremities": [{"limb": "left_arm", "muscles": [{"name": "m", "nerve": "median", "roots": ["C8", "c8"]}]}]})",
             "extremities[0].muscles[0].roots[1]",
             R"(expected a spinal level such as "C6" or "L5", got "c8")"},
            {R"({"id": "c", "extremities": [{"limb": "left_arm", "muscles": [{"name": "APB", "roots": ["C8-T1"]}]}]})",
             "extremities[0].muscles[0].roots[0]",
             R"(expected a spinal level such as "C6" or "L5", got "C8-T1")"},
        });
    read_ok(
        reader,
        R"({"id": "c", "extremities": [{"limb": "left_arm", "muscles": [{"name": "m", "nerve": "median", "roots": ["C8", "T1"]}]}]})",
        arena);
}

TEST_CASE("claim lines", "[case][error]") {
    CaseReader reader(&standard_muscles().index);
    Arena arena;
    for (const char* code : {"95886", "0106T", "G0255", "95937", "0001F"}) {
        INFO(code);
        read_ok(reader, R"({"id": "c", "claim": [{"code": ")" + std::string(code) + "\"}]}", arena);
    }
    auto line = [](std::string fields) { return R"({"id": "c", "claim": [)" + fields + "]}"; };
    // Given empty, a claim would read as none: the study would be coded, not reviewed.
    check_errors(reader, {{R"({"id": "c", "claim": []})", "claim", "the list is empty"}});
    // A muscle with no name is no muscle: 95872 is one unit per muscle.
    check_errors(reader, {{R"({"id": "c", "single_fiber_muscles": ["EDC", ""]})",
                           "single_fiber_muscles[1]", "must not be empty"}});
    // A name is compared as written: "median " would be one nerve more than "median" (a higher
    // band code, a complete limb), and "  " one muscle more. Refused, with the name meant.
    check_errors(
        reader,
        {{R"({"id": "c", "single_fiber_muscles": ["EDC", "  "]})", "single_fiber_muscles[1]",
          "must not be blank"},
         {R"({"id": "c", "nerve_conduction": [{"nerve": "median ", "side": "left", "type": "motor"}]})",
          "nerve_conduction[0].nerve", R"("median " has spaces before or after it)"},
         {R"({"id": "c", "neuromuscular_junction": [{"nerve": "\tulnar", "side": "left"}]})",
          "neuromuscular_junction[0].nerve", "\"\tulnar\" has spaces before or after it"},
         {R"({"id": "c", "extremities": [{"limb": "left_arm", "muscles": [{"name": "x", "nerve": " ulnar", "roots": ["C8"]}]}]})",
          "extremities[0].muscles[0].nerve", R"(" ulnar" has spaces before or after it)"},
         // A no-break or zero-width space pasted from a document is one too: "median\u00a0"
         // was a fifth nerve study apart from "median", and billed the next band code.
         {R"({"id": "c", "nerve_conduction": [{"nerve": "median\u00a0", "side": "left", "type": "motor"}]})",
          "nerve_conduction[0].nerve", "\"median\xc2\xa0\" has spaces before or after it"},
         {R"({"id": "c", "extremities": [{"limb": "left_arm", "muscles": ["\u200bAPB"]}]})",
          "extremities[0].muscles[0]",
          "unknown muscle \"\xe2\x80\x8b"
          "APB\": a name has no spaces around it"},
         {R"({"id": "c", "nerve_conduction": [{"nerve": "\u00a0\u3000", "side": "left", "type": "motor"}]})",
          "nerve_conduction[0].nerve", "must not be blank"}});
    CHECK(
        read_error(
            reader,
            R"({"id": "c", "nerve_conduction": [{"nerve": "median\u00a0", "side": "left", "type": "motor"}]})")
            .help == R"(write "median")");
    CHECK(
        read_error(
            reader,
            R"({"id": "c", "nerve_conduction": [{"nerve": "median ", "side": "left", "type": "motor"}]})")
            .help == R"(write "median")");
    // A modifier twice on one line, and both components on one line, are never a claim.
    check_errors(
        reader,
        {{line(R"({"code": "95886", "modifiers": ["26", "26"]})"), "claim[0].modifiers[1]",
          R"("26" is given twice (also at [0]))"},
         {line(R"({"code": "95886", "modifiers": ["TC", "XS", "26"]})"), "claim[0].modifiers",
          "26 and TC on one line: a line is the professional component or the technical "
          "one, not both"}});
    const std::string units = "expected a whole number from 1 to 9999";
    check_errors(
        reader,
        {
            {line(R"({"code": "9588"})"), "claim[0].code",
             R"(expected a 5-character CPT or HCPCS code, got "9588")"},
            {line(R"({"code": "958860"})"), "claim[0].code",
             R"(expected a 5-character CPT or HCPCS code, got "958860")"},
            {line(R"({"code": "g0255"})"), "claim[0].code",
             R"(expected a 5-character CPT or HCPCS code, got "g0255")"},
            {line(R"({"code": "0106t"})"), "claim[0].code",
             R"(expected a 5-character CPT or HCPCS code, got "0106t")"},
            {line(R"({"code": "GG255"})"), "claim[0].code",
             R"(expected a 5-character CPT or HCPCS code, got "GG255")"},
            {line(R"({"code": "95886-26"})"), "claim[0].code",
             R"(expected a 5-character CPT or HCPCS code, got "95886-26")"},
            {line(R"({"code": "95886", "units": 0})"), "claim[0].units", units + ", got 0"},
            {line(R"({"code": "95886", "units": -1})"), "claim[0].units", units + ", got -1"},
            {line(R"({"code": "95886", "units": 2.5})"), "claim[0].units", units + ", got 2.5"},
            {line(R"({"code": "95886", "units": 1.0})"), "claim[0].units", units + ", got 1.0"},
            {line(R"({"code": "95886", "units": 1e2})"), "claim[0].units", units + ", got 1e2"},
            {line(R"({"code": "95886", "units": 10000})"), "claim[0].units", units + ", got 10000"},
            {line(R"({"code": "95886", "units": 99999999999999999999999})"), "claim[0].units",
             units + ", got 99999999999999999999999"},
            {line(R"({"code": "95886", "units": -99999999999999999999999})"), "claim[0].units",
             units + ", got -99999999999999999999999"},
            {line(R"({"code": "95886", "units": "2"})"), "claim[0].units", units},
            {line(R"({"code": "95886", "units": null})"), "claim[0].units", units},
            {line(R"({"code": "95886", "units": true})"), "claim[0].units", units},
            {line(R"({"code": "95886"}, {"code": "95886", "modifiers": ["26", "lt"]})"),
             "claim[1].modifiers[1]",
             R"(expected a modifier of two capital letters or digits, got "lt")"},
            {line(R"({"code": "95886", "modifiers": ["RTX"]})"), "claim[0].modifiers[0]",
             R"(expected a modifier of two capital letters or digits, got "RTX")"},
            {line(R"({"code": "95886", "modifiers": ["2"]})"), "claim[0].modifiers[0]",
             R"(expected a modifier of two capital letters or digits, got "2")"},
            {line(R"({"code": "95886", "modifiers": ["-26"]})"), "claim[0].modifiers[0]",
             R"(expected a modifier of two capital letters or digits, got "-26")"},
            {R"({"id": "c", "history": [{"date_of_service": "2025-01-01", "codes": ["95886", "9588x"]}]})",
             "history[0].codes[1]", R"(expected a 5-character CPT or HCPCS code, got "9588x")"},
        });
}

TEST_CASE("unknown limb muscles", "[case][error]") {
    CaseReader reader(&standard_muscles().index);
    auto limb = [](std::string muscles) {
        return R"({"id": "c", "extremities": [{"limb": "right_arm", "muscles": [)" + muscles +
               "]}]}";
    };
    check_errors(
        reader,
        {
            {limb(R"("APB", "FDI", "pronator teres", "APBB")"), "extremities[0].muscles[3]",
             R"(unknown muscle "APBB"; did you mean "APB"?)"},
            {limb(R"("deltiod")"), "extremities[0].muscles[0]",
             R"(unknown muscle "deltiod"; did you mean "deltoid"?)"},
            {limb(R"("quadriceps")"), "extremities[0].muscles[0]",
             R"(unknown muscle "quadriceps")"},
            {limb(R"("")"), "extremities[0].muscles[0]", R"(unknown muscle "")"},
            {limb(R"({"name": "anconeus"})"), "extremities[0].muscles[0]",
             R"(muscle "anconeus" is not in the muscle table, so it needs "nerve" and "roots")"},
            {limb(R"({"name": "anconeus", "nerve": "anterior interosseous"})"),
             "extremities[0].muscles[0]",
             R"(muscle "anconeus" is not in the muscle table, so it needs "roots")"},
            {limb(R"({"name": "anconeus", "roots": ["C8"]})"), "extremities[0].muscles[0]",
             R"(muscle "anconeus" is not in the muscle table, so it needs "nerve")"},
            {limb(R"({"name": "deltiod", "roots": ["C5"]})"), "extremities[0].muscles[0]",
             R"(muscle "deltiod" is not in the muscle table, so it needs "nerve"; did you mean "deltoid"?)"},
            {limb(R"({"name": "", "nerve": "x", "roots": []})"), "extremities[0].muscles[0].name",
             "must not be empty"},
        });
    CaseError error = read_error(reader, limb(R"("APBB")"));
    CHECK(
        error.help ==
        R"(to use a muscle the table lacks, give it as {"name": "APBB", "nerve": "...", "roots": ["..."]})");
    CHECK(error.render() ==
          R"(case c: extremities[0].muscles[0]: unknown muscle "APBB"; did you mean "APB"?)");
    CHECK(read_error(reader, limb(R"({"name": "anconeus"})")).help ==
          R"(give it as {"name": "anconeus", "nerve": "...", "roots": ["..."]})");
    // A name with spaces around it: the help offered an object of the same name, which is
    // refused as well.
    CaseError spaced = read_error(reader, limb(R"(" APB")"));
    CHECK(
        spaced.render() ==
        R"(case c: extremities[0].muscles[0]: unknown muscle " APB": a name has no spaces around it)");
    CHECK(spaced.help == R"(write "APB")");
    CHECK(
        read_error(reader, limb(R"("anconeus ")")).help ==
        R"(write "anconeus"; to use a muscle the table lacks, give it as {"name": "anconeus", "nerve": "...", "roots": ["..."]})");
}

TEST_CASE("without a muscle table, limb muscles must be given in full", "[case][error]") {
    CaseReader reader(nullptr);
    auto limb = [](std::string muscles) {
        return R"({"id": "c", "extremities": [{"limb": "right_arm", "muscles": [)" + muscles +
               "]}]}";
    };
    check_errors(reader,
                 {
                     {limb(R"("APB")"), "extremities[0].muscles[0]",
                      R"(muscle "APB" cannot be looked up: no muscle table is loaded)"},
                     {limb(R"({"name": "APB", "roots": ["C8"]})"), "extremities[0].muscles[0]",
                      R"(no muscle table is loaded, so muscle "APB" needs "nerve")"},
                 });
    CHECK(
        read_error(reader, limb(R"("APB")")).help ==
        R"(without a muscle table, give each muscle as {"name": "APB", "nerve": "...", "roots": ["..."]})");
}

TEST_CASE("rendering an error", "[case]") {
    CHECK(CaseError{"right-arm-01", "extremities[0].muscles[3]", "unknown muscle \"APBB\"", "help"}
              .render() ==
          R"(case right-arm-01: extremities[0].muscles[3]: unknown muscle "APBB")");
    CHECK(CaseError{"right-arm-01", "", R"(missing field "id")", ""}.render() ==
          R"(case right-arm-01: missing field "id")");
    CHECK(CaseError{"", "", "the case is not valid JSON", ""}.render() ==
          "case ?: the case is not valid JSON");
    CHECK(CaseError{"", "id", "expected a string", ""}.render() == "case ?: id: expected a string");
}

TEST_CASE("the reader recovers after an error", "[case]") {
    CaseReader reader(&standard_muscles().index);
    Arena arena;
    read_error(reader,
               R"({"id": "c", "extremities": [{"limb": "left_arm", "muscles": [["APB"]]}]})");
    read_error(reader, "{\"id\": ");
    read_error(reader, std::string(100000, '['));
    for (const auto& example : examples) {
        INFO(example.name);
        arena.reset();
        read_ok(reader, example.json, arena);
    }
}

// A megabyte where a date belongs was quoted whole in the message, and again in its id and
// path: one bad case wrote megabytes of errors. A long value is quoted by its start and length.
TEST_CASE("long values are quoted by their start and their length", "[case][error]") {
    CaseReader reader(&standard_muscles().index);
    std::string dx = "G56" + std::string(500000, '1');
    CaseError value = read_error(reader, R"({"id": "c", "diagnoses": [")" + dx + R"("]})");
    CHECK(value.path == "diagnoses[0]");
    CHECK(value.message == R"(expected an ICD-10-CM code such as "G56.01", got ")" +
                               dx.substr(0, 100) + "\u2026\" (500003 bytes)");
    std::string key = "date_of_service" + std::string(100000, 'e');
    CaseError field = read_error(reader, R"({"id": "c", ")" + key + R"(": "2025-01-01"})");
    CHECK(field.path == key.substr(0, 100) + "\u2026 (100015 bytes)");
    CHECK(field.render().size() < 600);
    // Cut on a character's start: no half of a two-byte character is shown.
    std::string accents;
    for (int i = 0; i < 150; ++i)
        accents += "\u00e9";
    CaseError utf8 = read_error(reader, R"({"id": "c", "provider_role": ")" + accents + R"("})");
    CHECK(utf8.message.find(accents.substr(0, 100) + "\u2026") != std::string::npos);
    std::string id(300000, 'x');
    CaseError named = read_error(reader, R"({"id": ")" + id + R"(", "larynx": 1})");
    CHECK(
        named.render().starts_with("case " + id.substr(0, 100) + "\u2026 (300000 bytes): larynx:"));
}
