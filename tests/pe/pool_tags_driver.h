#ifndef NTOSKRNL_TESTS_POOL_TAGS_DRIVER_H
#define NTOSKRNL_TESTS_POOL_TAGS_DRIVER_H
long ptd_query_system_information(unsigned long info_class, void *buffer, unsigned long length,
                                  unsigned long *return_length);
#endif
