"""A small plan and holders for the numbering tests."""
from numbering import actions
from registry.models import Holder

SMALL_PLAN = """code,resource_type,first,last,block_sizes,allocatable,name_en,name_ru,name_kk,note,source
geo,geographic,7172000000,7172009999,100 1000,yes,Astana test part,Астана,Астана,test,test
short,short_number,1000,1099,1 10,yes,Short numbers,Короткие,Қысқа,test,test
emergency,short_number,101,104,,no,Emergency,Экстренные,Шұғыл,test,test
"""


def small_plan():
    actions.load_plan(SMALL_PLAN)


def holders(n=2):
    return [Holder.objects.create(bin=f"1{i:011d}", name=f"Оператор {i}") for i in range(n)]
