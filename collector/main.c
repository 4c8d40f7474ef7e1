/* flowdex command line (placeholder until the spine lands). */
#include <stdio.h>

int main(void)
{
    printf("flowdex %s\n", FDX_VERSION);
    return 0;
}
