"""A4 多线程编程, errata: the article's CoffeeShop never ends, with or without Ctrl-C.

The article's class and run_coffee_shop(), unchanged, run in this process. Two bugs:

1. `except Queue.Empty:` names an attribute the class queue.Queue does not have (the
   exception is queue.Empty). The first get(timeout=1) that times out raises
   queue.Empty; evaluating `Queue.Empty` to match it raises AttributeError instead,
   which no clause catches: the Server thread dies after one second, with a traceback.
2. Ctrl-C (SIGINT, sent here after 1.5 s, as a terminal does): handle_shutdown replaced
   Python's default handler, so no KeyboardInterrupt is raised and the `except
   KeyboardInterrupt` never runs. It only sets should_stop: the Barista stops taking
   orders, and the main thread waits in orders_queue.join() for orders nobody will make,
   forever. SIGTERM (sent after 3 s) changes nothing either.

With --no-ctrl-c, no signal at all: the Server has died, the five coffees are made but
never delivered, the Barista's own first idle get(timeout=1) kills it the same way, and
the main thread waits in ready_orders.join() forever. The program cannot end on its own.

A watchdog ends the demonstration (after 6 s; 14 s with --no-ctrl-c): it prints where the
main thread is waiting and which threads are alive, then leaves with os._exit (nothing
else could end it).

Run: python3 06-producer-consumer/errata/coffee_shop.py [--no-ctrl-c]
"""
import os
import traceback

# ---- The article's code, as written (A4 「多线程编程」). ----
import threading
import time
from queue import Queue
import signal
import sys

class CoffeeShop:
    def __init__(self):
        self.orders_queue = Queue()
        self.ready_orders = Queue()
        self.should_stop = threading.Event()
        
        # 设置信号处理
        signal.signal(signal.SIGINT, self.handle_shutdown)
        signal.signal(signal.SIGTERM, self.handle_shutdown)
    
    def handle_shutdown(self, signum, frame):
        print("\n正在关闭咖啡店...")
        self.should_stop.set()
    
    def take_order(self, order_id):
        if not self.should_stop.is_set():
            print(f"收到订单 #{order_id}")
            self.orders_queue.put(order_id)
    
    def make_coffee(self):
        while not self.should_stop.is_set():
            try:
                order_id = self.orders_queue.get(timeout=1)
                print(f"正在制作订单 #{order_id} 的咖啡...")
                time.sleep(2)  # 模拟制作咖啡的时间
                self.ready_orders.put(order_id)
                print(f"订单 #{order_id} 的咖啡制作完成！")
                self.orders_queue.task_done()
            except Queue.Empty:
                continue
            except Exception as e:
                print(f"制作咖啡时发生错误：{e}")
    
    def serve_coffee(self):
        while not self.should_stop.is_set():
            try:
                order_id = self.ready_orders.get(timeout=1)
                print(f"服务员正在派送订单 #{order_id}")
                time.sleep(1)  # 模拟派送时间
                print(f"订单 #{order_id} 已送达！")
                self.ready_orders.task_done()
            except Queue.Empty:
                continue
            except Exception as e:
                print(f"派送咖啡时发生错误：{e}")

def run_coffee_shop():
    shop = CoffeeShop()
    
    # 创建工作线程
    threads = [
        threading.Thread(target=shop.make_coffee, name="Barista"),
        threading.Thread(target=shop.serve_coffee, name="Server")
    ]
    
    # 将线程设置为守护线程
    for thread in threads:
        thread.daemon = True
        thread.start()
    
    try:
        # 模拟接收订单
        for i in range(5):
            shop.take_order(i)
            time.sleep(0.5)
        
        # 等待所有订单处理完成
        shop.orders_queue.join()
        shop.ready_orders.join()
    except KeyboardInterrupt:
        print("\n收到中断信号，正在关闭...")
    finally:
        # 设置停止标志
        shop.should_stop.set()
        
        # 等待所有线程完成
        for thread in threads:
            thread.join(timeout=2)
        
        print("咖啡店已关闭")


# ---- The terminal and the watchdog. ----

def terminal_and_watchdog(main_thread_id, ctrl_c):
    start = time.monotonic()
    if ctrl_c:
        time.sleep(1.5)
        print("\n(Ctrl-C: SIGINT)", flush=True)
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(1.5)
        print("\n(SIGTERM)", flush=True)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(3)
    else:
        time.sleep(14)  # five orders take 10 s to make; delivering them would take 5 more
    frame = sys._current_frames()[main_thread_id]
    here = traceback.extract_stack(frame)
    article = [f for f in here if f.name == "run_coffee_shop"][-1]
    alive = sorted(t.name for t in threading.enumerate())
    print(f"\nwatchdog: {time.monotonic() - start:.0f} s, "
          f"{'4.5 s after the Ctrl-C, ' if ctrl_c else 'no Ctrl-C, '}"
          f"run_coffee_shop() has not returned: "
          f"the main thread waits at line {article.lineno}: {article.line}", flush=True)
    print(f"watchdog: threads alive: {', '.join(alive)}", flush=True)
    print("watchdog: the program would wait forever; ending it with os._exit(0)", flush=True)
    os._exit(0)


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    ctrl_c = "--no-ctrl-c" not in sys.argv[1:]
    threading.Thread(target=terminal_and_watchdog, args=(threading.get_ident(), ctrl_c),
                     name="watchdog", daemon=True).start()
    run_coffee_shop()
    print("run_coffee_shop() returned (the errata above did not happen)")
