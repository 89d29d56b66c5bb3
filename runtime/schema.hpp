// runtime/schema.hpp — kept only so that files being edited elsewhere right now
// (interpreter/check/check.cpp, interpreter/eval/evaluate.cpp) build unchanged. The engine's
// shapes are in runtime/shapes.hpp, the case's in interpreter/case/case_schema.hpp. When
// those files are next touched, include runtime/shapes.hpp there and delete this file.
#pragma once

#include "runtime/shapes.hpp"
