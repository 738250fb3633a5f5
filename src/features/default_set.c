/* The default feature set: every family of the registry with the parameter
 * lists of the original system (reference-system.md §2) where it had them. */
#include "features/featureset.h"

static const char default_json[] =
    "{\"features\": [\n"
    "  {\"indicator\": \"sma\", \"period\": [10, 20, 50, 100, 200]},\n"
    "  {\"indicator\": \"ema\", \"period\": [12, 25, 50, 100, 200]},\n"
    "  {\"indicator\": \"rma\", \"period\": 14},\n"
    "  {\"indicator\": \"wma\", \"period\": 20},\n"
    "  {\"indicator\": \"dema\", \"period\": 20},\n"
    "  {\"indicator\": \"tema\", \"period\": 20},\n"
    "  {\"indicator\": \"t3\", \"period\": 5},\n"
    "  {\"indicator\": \"trima\", \"period\": 20},\n"
    "  {\"indicator\": \"kama\", \"period\": 30},\n"
    "  {\"indicator\": \"hma\", \"period\": [25, 50, 100, 200]},\n"
    "  {\"indicator\": \"vwma\", \"period\": [20, 50]},\n"
    "  {\"indicator\": \"vwap\", \"anchor\": [0, 1]},\n"
    "  {\"indicator\": \"midpoint\", \"period\": 14},\n"
    "  {\"indicator\": \"midprice\", \"period\": 14}\n"
    "]}\n";

const char *mt_fset_default_json(void)
{
    return default_json;
}
