"""A4 多进程编程, erratum: `pool` may be unbound in `except KeyboardInterrupt`.

The article's batch_process_images(), unchanged, meets a Ctrl-C (a real SIGINT) that
arrives while mp.Pool(...) is still starting its processes, before `as pool` has bound
the name. The handler's `pool.terminate()` then fails with UnboundLocalError, which the
article's outer `except Exception` prints as "主程序发生错误：...".

Run: python3 01-gil-and-threads/errata/pool_unbound.py
"""
import multiprocessing as mp
import os
import signal
import time


# ---- The article's code, as written (A4 「多进程编程」). ----

def init_worker():
    # 忽略子进程的 SIGINT 信号
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def process_image(image_name, processing_time=2):
    try:
        print(f"进程 {os.getpid()} 开始处理图片：{image_name}")
        time.sleep(processing_time)  # 模拟图片处理
        return f"{image_name} 处理完成"
    except Exception as e:
        print(f"处理图片 {image_name} 时发生错误：{e}")
        return f"{image_name} 处理失败"


def batch_process_images(images, max_workers=None):
    if max_workers is None:
        # 设置进程池大小上限
        max_workers = min(len(images), os.cpu_count() or 1, 4)

    print(f"使用 {max_workers} 个进程进行处理")

    try:
        # 创建进程池，设置初始化函数
        with mp.Pool(processes=max_workers, initializer=init_worker) as pool:
            # 使用进程池处理图片
            results = pool.map_async(process_image, images)

            try:
                # 等待所有任务完成，设置超时
                processed_results = results.get(timeout=30)
                return processed_results
            except mp.TimeoutError:
                print("处理超时！")
                pool.terminate()
                return []

    except KeyboardInterrupt:
        print("\n检测到中断信号，正在优雅关闭...")
        pool.terminate()
        pool.join()
        return []
    except Exception as e:
        print(f"批处理过程中发生错误：{e}")
        return []


# ---- The Ctrl-C, at the unlucky moment: while the pool is being created. ----

real_pool = mp.Pool


def pool_started_during_ctrl_c(*args, **kwargs):
    # What a terminal sends on Ctrl-C. Python raises KeyboardInterrupt at its next check
    # for signals, inside this call: mp.Pool(...) never returns, `pool` is never bound.
    os.kill(os.getpid(), signal.SIGINT)
    return real_pool(*args, **kwargs)


if __name__ == "__main__":
    mp.Pool = pool_started_during_ctrl_c
    test_images = [f"image_{i}.jpg" for i in range(4)]
    # The article's main block, as written.
    try:
        results = batch_process_images(test_images)

        # 打印结果
        for result in results:
            print(result)
    except Exception as e:
        print(f"主程序发生错误：{e}")
    print("\n(The Ctrl-C came while mp.Pool(...) was starting: the KeyboardInterrupt handler "
          "ran before `pool` existed, so it failed instead of shutting the pool down.)")
