// Bindings of the issue-3 conv family (functional ops into _C._functional, modules into _C._nn).
#include "bindings.h"

namespace striate::python {

void init_conv_family(py::module_& m) { (void)m; }

}  // namespace striate::python
