// Bindings of the issue-4 classic family (merge blocks into _C._nn, models into _C._models).
#include "bindings.h"

namespace striate::python {

void init_models_classic_family(py::module_& m) { (void)m; }

}  // namespace striate::python
