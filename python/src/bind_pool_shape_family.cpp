// Bindings of the issue-3 pool shape family (functional ops into _C._functional, modules into _C._nn).
#include "bindings.h"

namespace striate::python {

void init_pool_shape_family(py::module_& m) { (void)m; }

}  // namespace striate::python
