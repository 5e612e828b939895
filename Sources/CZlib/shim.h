// The system zlib (zlib1g-dev), for gunzipping MNIST's IDX files in StimExporter.
#include <zlib.h>
